package dev.skillbus.course;

import io.vertx.core.Future;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends jobs, whoever ends them: the job itself, a cancel, or a survivor of the job's node. The
 * status is changed first, and only while it is {@code running}; the one call that changed it sends
 * the last updates and the {@code course_generation_complete} event. The job leaves the registry
 * either way, and the session's history is forgotten once its time to live passed.
 */
final class JobEnder {

  private static final Logger LOG = LoggerFactory.getLogger(JobEnder.class);

  private final CourseStore store;
  private final JobRegistry registry;
  private final SessionExpiry expiry;
  private final Consumer<String> statusCounter;

  JobEnder(CourseStore store, JobRegistry registry, SessionExpiry expiry, Consumer<String> statusCounter) {
    this.store = store;
    this.registry = registry;
    this.expiry = expiry;
    this.statusCounter = statusCounter;
  }

  /**
   * True when this call ended the job; false when it had ended already. The job leaves the registry
   * before the complete event goes out, so that its owner may start another one at once.
   */
  Future<Boolean> end(JobRef job, SessionEvents events, Outcome outcome) {
    return store.updateIfRunning(job.sessionId(), outcome.statusFields())
      .eventually(() -> registry.release(job.node(), job.owner(), job.sessionId())
        .onFailure(err -> LOG.warn("Could not release course job {}", job.sessionId(), err))
        .otherwiseEmpty())
      .compose(ended -> ended ? announce(job, events, outcome).map(true) : Future.succeededFuture(false))
      .onSuccess(ended -> {
        if (ended) {
          statusCounter.accept(outcome.status().wire());
          expiry.track(job.sessionId());
        }
      });
  }

  private Future<Void> announce(JobRef job, SessionEvents events, Outcome outcome) {
    LOG.info("Course session {} of {} {}{}", job.sessionId(), job.owner(), outcome.status().wire(),
      outcome.error() == null ? "" : ": " + outcome.error());
    List<StreamMessage> last = outcome.lastUpdates();
    last.forEach(events::update);
    return events.complete(outcome.completeData(job.sessionId()));
  }
}
