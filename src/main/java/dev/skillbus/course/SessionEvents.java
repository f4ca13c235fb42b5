package dev.skillbus.course;

import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.Event;
import dev.skillbus.protocol.Outbound;
import dev.skillbus.store.RoomHistory;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
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

  private final EventBus eventBus;
  private final RoomHistory history;
  private final String sessionId;
  private final Promise<Void> endedAlready = Promise.promise();
  private Future<Void> tail = Future.succeededFuture();

  SessionEvents(EventBus eventBus, RoomHistory history, String sessionId) {
    this.eventBus = eventBus;
    this.history = history;
    this.sessionId = sessionId;
  }

  /** A {@code course_generation_update}; completes once stored and published, or refused. */
  Future<Void> update(StreamMessage message) {
    return append(Event.COURSE_GENERATION_UPDATE, message.toJson(), false);
  }

  /** The {@code course_generation_complete}, after every update given before it; stored once per session. */
  Future<Void> complete(JsonObject data) {
    return append(Event.COURSE_GENERATION_COMPLETE, data, true);
  }

  /** Completes once every event given so far was stored and published (or failed to be, or was refused). */
  Future<Void> flushed() {
    return tail;
  }

  /** Completes when the history refused an event because it holds the session's complete event already. */
  Future<Void> endedAlready() {
    return endedAlready.future();
  }

  private Future<Void> append(String event, JsonObject data, boolean ends) {
    Future<Void> appended = tail.transform(previous -> store(event, data, ends))
      .onSuccess(envelope -> {
        if (envelope != null) {
          Outbound.publish(eventBus, Address.room(sessionId), envelope);
        }
      })
      .onFailure(err -> LOG.warn("Could not store {} of course session {}: {}", event, sessionId, err.getMessage()))
      .mapEmpty();
    tail = appended.otherwiseEmpty();
    return appended;
  }

  /** The stored envelope; null when the session ended already (said once, and the store not asked again). */
  private Future<JsonObject> store(String event, JsonObject data, boolean ends) {
    if (endedAlready.future().isComplete()) {
      return Future.succeededFuture();
    }
    Future<JsonObject> stored = ends ? history.endStream(sessionId, event, data)
      : history.appendToStream(sessionId, event, data);
    return stored.onSuccess(envelope -> {
      if (envelope == null && endedAlready.tryComplete()) {
        LOG.info("Course session {} ended already (its complete event is stored): its {} is not stored, nor"
          + " anything sent after it", sessionId, event);
      }
    });
  }
}
