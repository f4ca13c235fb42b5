package dev.skillbus.course;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a node leaves the cluster, every survivor tries to claim its jobs; the one that gets them
 * ends each as failed and sends its {@code course_generation_complete}, so that no browser waits for
 * a job that nobody runs. Hazelcast calls this on its own thread, so we hop onto our context.
 */
final class NodeLoss implements MembershipListener {

  static final String MESSAGE = "the node running this job left the cluster";
  private static final Logger LOG = LoggerFactory.getLogger(NodeLoss.class);

  private final Context context;
  private final JobRegistry registry;
  private final LocalJobs jobs;

  NodeLoss(Context context, JobRegistry registry, LocalJobs jobs) {
    this.context = context;
    this.registry = registry;
    this.jobs = jobs;
  }

  @Override
  public void memberAdded(MembershipEvent event) {
    // Nothing to do: a new node's jobs are registered as they start.
  }

  @Override
  public void memberRemoved(MembershipEvent event) {
    String departed = event.getMember().getUuid().toString();
    context.runOnContext(v -> endJobsOf(departed)
      .onFailure(err -> LOG.error("Could not end the course jobs of node {}", departed, err)));
  }

  /** Ends the jobs of {@code node}, if this node is the one that claims them. */
  Future<Void> endJobsOf(String node) {
    return registry.claimNode(node).compose(claimed -> {
      if (!claimed.isEmpty()) {
        LOG.info("Node {} left the cluster: ending its {} course jobs", node, claimed.size());
      }
      List<Future<Boolean>> ended = new ArrayList<>();
      claimed.forEach((sessionId, owner) ->
        ended.add(jobs.endOrphan(new JobRef(sessionId, owner, node), Outcome.failed(MESSAGE))));
      return Future.join(ended).mapEmpty();
    });
  }
}
