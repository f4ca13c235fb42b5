package dev.skillbus.course;

import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.Event;
import dev.skillbus.protocol.Outbound;
import dev.skillbus.store.RoomHistory;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable events of one course session's room, in the order they are given: each is appended
 * to the room's history (which gives it its seq) only after the one before, then published. A late
 * joiner or a reconnecting browser reads them back from the history with {@code session.join}.
 *
 * <p>The updates are the room's stream and the complete event its end ({@link RoomHistory#endStream}):
 * once the history holds the complete event, it refuses every update, whoever sends it. A job whose
 * node did not stop in time when another node ended it (a long pause) thus learns here that it
 * ended: the first refusal is logged and completes {@link #endedAlready()}, and nothing given after
 * it goes to the store.
 */
final class SessionEvents {

  private static final Logger LOG = LoggerFactory.getLogger(SessionEvents.class);

  /** How often the complete event is tried (about 20 s in all) before the failure is only logged. */
  static final int END_ATTEMPTS = 10;
  /** An update's id in the room's history (see {@link RoomHistory#appendToStream}); a presence event's starts with a digit. */
  private static final String UPDATE_ID_PREFIX = "update ";

  private final Vertx vertx;
  private final BooleanSupplier stopping;
  private final EventBus eventBus;
  private final RoomHistory history;
  private final String sessionId;
  private final Consumer<String> published;
  private final Promise<Void> endedAlready = Promise.promise();
  private Future<Void> tail = Future.succeededFuture();

  /**
   * {@code stopping} says when the node is stopping: a complete event that fails is then not tried
   * again; {@code published} is told the name of each event published.
   */
  SessionEvents(Vertx vertx, RoomHistory history, String sessionId, BooleanSupplier stopping, Consumer<String> published) {
    this.published = published;
    this.vertx = vertx;
    this.stopping = stopping;
    this.eventBus = vertx.eventBus();
    this.history = history;
    this.sessionId = sessionId;
  }

  /** A {@code course_generation_update}; completes once stored and published, or refused. */
  Future<Void> update(StreamMessage message) {
    return append(Event.COURSE_GENERATION_UPDATE, message.toJson(), null);
  }

  /**
   * The {@code course_generation_complete}, after every update given before it; stored once per
   * session. A store failure (a Redis timeout or failover) is tried again, up to {@link #END_ATTEMPTS}
   * times (none once the node is stopping), so that browsers watching the room learn the job ended;
   * a retry that finds the end stored (the failed write was made) publishes the stored event.
   * Completes once the event is stored and published, or refused, or once its first attempt failed:
   * the tries that follow go on without the caller (a cancel is answered once the status is final).
   */
  Future<Void> complete(JsonObject data) {
    Promise<Void> firstTry = Promise.promise();
    append(Event.COURSE_GENERATION_COMPLETE, data, firstTry).onComplete(ar -> firstTry.tryComplete());
    return firstTry.future();
  }

  /** Completes once every event given so far was stored and published (or failed to be, or was refused). */
  Future<Void> flushed() {
    return tail;
  }

  /** Completes when the history refused an event because it holds the session's complete event already. */
  Future<Void> endedAlready() {
    return endedAlready.future();
  }

  /** Appends an update, or with {@code firstTry} the end (told when its first attempt failed). */
  private Future<Void> append(String event, JsonObject data, Promise<Void> firstTry) {
    Future<Void> appended = tail.transform(previous -> store(event, data, firstTry))
      .onSuccess(envelope -> {
        if (envelope != null) {
          Outbound.publish(eventBus, Address.room(sessionId), envelope);
          published.accept(event);
        }
      })
      .onFailure(err -> LOG.warn("Could not store {} of course session {}: {}", event, sessionId, err.getMessage()))
      .mapEmpty();
    tail = appended.otherwiseEmpty();
    return appended;
  }

  /** Stores the end; null when the history held an end before the first attempt. */
  private Future<JsonObject> end(String event, JsonObject data, int attempt, Promise<Void> firstTry) {
    return history.endStream(sessionId, event, data)
      .compose(envelope -> envelope != null || attempt == 1 ? Future.succeededFuture(envelope) : storedEnd())
      .recover(err -> {
        firstTry.tryComplete();
        if (attempt >= END_ATTEMPTS || stopping.getAsBoolean()) {
          return Future.failedFuture(err);
        }
        return Backoff.retry(vertx, attempt, "the " + event + " of course session " + sessionId, err,
          () -> end(event, data, attempt + 1, firstTry));
      });
  }

  /**
   * Stores an update; a failure of the store (503) is tried again as the end is (none once the node stops), and the
   * updates given after it wait, so that a short store outage loses no step of the job and keeps
   * their order. Every try carries the update's {@code id}: one whose failed write was made though
   * (a stalled Redis can take a try that timed out, and the next) is stored once, and the try that
   * finds it answers with it as it was stored.
   */
  private Future<JsonObject> update(String event, JsonObject data, String id, int attempt) {
    return history.appendToStream(sessionId, event, data, id).recover(err -> {
      if (!Backoff.triesAgain(err, attempt, stopping.getAsBoolean())) {
        return Future.failedFuture(err);
      }
      return Backoff.retry(vertx, attempt, "a " + event + " of course session " + sessionId, err,
        () -> update(event, data, id, attempt + 1));
    });
  }

  /** The complete event the history holds (a failed write that was made, or another node's), found by its seq. */
  private Future<JsonObject> storedEnd() {
    return history.streamEnd(sessionId);
  }

  /** The stored envelope; null when the session ended already (said once, and the store not asked again). */
  private Future<JsonObject> store(String event, JsonObject data, Promise<Void> firstTry) {
    if (endedAlready.future().isComplete()) {
      return Future.succeededFuture();
    }
    Future<JsonObject> stored = firstTry != null ? end(event, data, 1, firstTry)
      : update(event, data, UPDATE_ID_PREFIX + UUID.randomUUID(), 1);
    return stored.onSuccess(envelope -> {
      if (envelope == null && endedAlready.tryComplete()) {
        LOG.info("Course session {} ended already (its complete event is stored): its {} is not stored, nor"
          + " anything sent after it", sessionId, event);
      }
    });
  }
}
