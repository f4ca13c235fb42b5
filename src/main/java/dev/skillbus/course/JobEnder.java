package dev.skillbus.course;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
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

  static final String LOST = "the job's status expired or was deleted while it ran";
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
   * True when this call ended the job with {@code outcome}; false when it had ended already, or when
   * its status was gone (then it ends as failed with {@link #LOST}, once: the status is written
   * again only where there is none). The job leaves the registry before the complete event goes
   * out, so that its owner may start another one at once.
   */
  Future<Boolean> end(JobRef job, SessionEvents events, Outcome outcome) {
    return store.updateIfRunning(job.sessionId(), outcome.statusFields())
      .compose(update -> switch (update) {
        case CHANGED -> Future.succeededFuture(outcome);
        case NOT_RUNNING -> Future.<Outcome>succeededFuture(null);
        case MISSING -> endLost(job);
      })
      .eventually(() -> registry.release(job.node(), job.owner(), job.sessionId())
        .onFailure(err -> LOG.warn("Could not release course job {}", job.sessionId(), err))
        .otherwiseEmpty())
      .compose(ended -> ended == null ? Future.succeededFuture(false) : announce(job, events, ended).map(ended == outcome));
  }

  /** A running job's status disappeared: store it again as failed, unless someone else did. */
  private Future<Outcome> endLost(JobRef job) {
    Outcome lost = Outcome.failed(LOST);
    JsonObject status = lost.statusFields().put(CourseFields.SESSION_ID, job.sessionId())
      .put(CourseFields.OWNER, job.owner()).put(CourseFields.NODE, job.node());
    return store.create(job.sessionId(), status).map(lost)
      .recover(err -> CourseStore.isConflict(err) ? Future.succeededFuture(null) : Future.failedFuture(err));
  }

  private Future<Void> announce(JobRef job, SessionEvents events, Outcome outcome) {
    statusCounter.accept(outcome.status().wire());
    expiry.track(job.sessionId());
    LOG.info("Course session {} of {} {}{}", job.sessionId(), job.owner(), outcome.status().wire(),
      outcome.error() == null ? "" : ": " + outcome.error());
    List<StreamMessage> last = outcome.lastUpdates();
    last.forEach(events::update);
    return events.complete(outcome.completeData(job.sessionId()));
  }
}
