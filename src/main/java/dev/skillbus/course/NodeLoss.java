package dev.skillbus.course;

import dev.skillbus.cluster.DepartedNodes;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The course jobs of nodes that left the cluster: the oldest node ends each as failed and sends its
 * {@code course_generation_complete}, so that no browser waits for a job that nobody runs (see
 * {@link DepartedNodes}). Ending a job that ended already changes nothing.
 */
final class NodeLoss implements DepartedNodes.Records {

  static final String MESSAGE = "the node running this job left the cluster";

  private final JobRegistry registry;
  private final LocalJobs jobs;

  NodeLoss(JobRegistry registry, LocalJobs jobs) {
    this.registry = registry;
    this.jobs = jobs;
  }

  @Override
  public Future<Collection<String>> nodes() {
    return registry.nodes();
  }

  /** Ends the jobs of {@code node}; each leaves the registry as it ends. */
  @Override
  public Future<Boolean> cleanUp(String node) {
    return registry.jobsOf(node).compose(running -> {
      List<Future<Boolean>> ended = new ArrayList<>();
      running.forEach((sessionId, owner) ->
        ended.add(jobs.endOrphan(new JobRef(sessionId, owner, node), Outcome.failed(MESSAGE))));
      return Future.join(ended).map(v -> !running.isEmpty());
    });
  }
}
