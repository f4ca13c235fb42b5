package dev.skillbus.course;

import dev.skillbus.protocol.Address;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends jobs, whoever ends them: the job itself, a cancel, or a survivor of the job's node. The
 * status is changed first, and only while it is {@code running}; the one call that changed it sends
 * the last updates and the {@code course_generation_complete} event. The job leaves the registry
 * once its status is final, and the session's history is forgotten once its time to live passed.
 */
final class JobEnder {

  static final String LOST = "the job's status expired or was deleted while it ran";
  private static final Logger LOG = LoggerFactory.getLogger(JobEnder.class);

  private static final long HALT_TIMEOUT_MS = 2000;


  private final Vertx vertx;
  private final EventBus eventBus;
  private final CourseStore store;
  private final JobRegistry registry;
  private final SessionExpiry expiry;
  private final Consumer<String> statusCounter;
  private boolean closed;

  JobEnder(Vertx vertx, CourseStore store, JobRegistry registry, SessionExpiry expiry, Consumer<String> statusCounter) {
    this.vertx = vertx;
    this.eventBus = vertx.eventBus();
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
    return end(job, events, outcome, false);
  }

  /**
   * As {@link #end}, by someone else than the job (a cancel, a survivor of its node). Should the
   * node named in the status be in the cluster all the same, it is asked to stop the job and send
   * what the job queued before the complete event goes out, so that nothing of the job follows it.
   */
  Future<Boolean> endElsewhere(JobRef job, SessionEvents events, Outcome outcome) {
    return end(job, events, outcome, true);
  }

  private Future<Boolean> end(JobRef job, SessionEvents events, Outcome outcome, boolean elsewhere) {
    return settle(job, outcome, outcome.statusFields(), elsewhere, 1)
      .compose(ended -> registry.release(job.node(), job.owner(), job.sessionId())
        .onFailure(err -> LOG.warn("Could not release course job {}", job.sessionId(), err))
        .otherwiseEmpty()
        .map(ended))
      .compose(ended -> ended == null ? Future.succeededFuture(false) : announce(job, events, ended).map(ended == outcome));
  }

  /**
   * Makes the status final; the outcome that was stored, or null when the job had ended already. A
   * store error (a Redis timeout or failover) is retried with backoff until the status is final, so
   * that the job never stays {@code running} with its node alive; the job keeps its place in the
   * registry meanwhile. A write that landed though its answer was lost is recognised on the retry by
   * the fields it wrote. Only a node that stops gives up (its registry entry stays, for the survivors).
   */
  private Future<Outcome> settle(JobRef job, Outcome outcome, JsonObject fields, boolean elsewhere, int attempt) {
    return store.change(job.sessionId(), fields)
      .compose(change -> switch (change.update()) {
        case CHANGED -> elsewhere ? halt(job.sessionId(), change.found().getString(CourseFields.NODE)).map(outcome)
          : Future.succeededFuture(outcome);
        case NOT_RUNNING -> Future.succeededFuture(attempt > 1 && wrote(change.found(), fields) ? outcome : null);
        case MISSING -> endLost(job);
      })
      .recover(err -> {
        if (closed) {
          return Future.failedFuture(err);
        }
        return Backoff.retry(vertx, attempt, "the end of course job " + job.sessionId(), err,
          () -> settle(job, outcome, fields, elsewhere, attempt + 1));
      });
  }

  private static boolean wrote(JsonObject found, JsonObject fields) {
    return fields.stream().allMatch(field -> Objects.equals(found.getValue(field.getKey()), field.getValue()));
  }

  /** The node is stopping: ends that fail are no longer retried. */
  void close() {
    closed = true;
  }

  /** Whether the node is stopping. */
  boolean closed() {
    return closed;
  }

  /**
   * Asks the job's node to stop it, and waits (a bounded time) until it did. A node that is gone
   * runs nothing; one that does not answer in time (paused, say) is not waited for longer: once the
   * complete event is stored, the history refuses its job's updates, and the job stops at the first
   * refusal, or at its next percent write, which finds the status final.
   */
  private Future<Void> halt(String sessionId, String node) {
    if (node == null || !registry.isMember(node)) {
      return Future.succeededFuture();
    }
    JsonObject body = new JsonObject().put(CourseFields.SESSION_ID, sessionId).put(CourseFields.ENDED, true);
    return eventBus.request(Address.COURSE_NODE_PREFIX + node, body, new DeliveryOptions().setSendTimeout(HALT_TIMEOUT_MS))
      .onFailure(err -> LOG.warn("Node {} did not confirm it stopped course job {}: {}", node, sessionId, err.getMessage()))
      .<Void>mapEmpty()
      .otherwiseEmpty();
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
