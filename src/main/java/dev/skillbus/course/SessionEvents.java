package dev.skillbus.course;

import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.Event;
import dev.skillbus.protocol.Outbound;
import dev.skillbus.store.RoomHistory;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable events of one course session's room, in the order they are given: each is appended
 * to the room's history (which gives it its seq) only after the one before, then published. A late
 * joiner or a reconnecting browser reads them back from the history with {@code session.join}.
 */
final class SessionEvents {

  private static final Logger LOG = LoggerFactory.getLogger(SessionEvents.class);

  private final EventBus eventBus;
  private final RoomHistory history;
  private final String sessionId;
  private Future<Void> tail = Future.succeededFuture();

  SessionEvents(EventBus eventBus, RoomHistory history, String sessionId) {
    this.eventBus = eventBus;
    this.history = history;
    this.sessionId = sessionId;
  }

  /** A {@code course_generation_update}; completes once stored and published. */
  Future<Void> update(StreamMessage message) {
    return append(Event.COURSE_GENERATION_UPDATE, message.toJson());
  }

  /** The {@code course_generation_complete}, after every update given before it. */
  Future<Void> complete(JsonObject data) {
    return append(Event.COURSE_GENERATION_COMPLETE, data);
  }

  /** Completes once every event given so far was stored and published (or failed to be). */
  Future<Void> flushed() {
    return tail;
  }

  private Future<Void> append(String event, JsonObject data) {
    Future<Void> appended = tail.transform(previous -> history.append(sessionId, event, data))
      .onSuccess(envelope -> Outbound.publish(eventBus, Address.room(sessionId), envelope))
      .onFailure(err -> LOG.warn("Could not store {} of course session {}: {}", event, sessionId, err.getMessage()))
      .mapEmpty();
    tail = appended.otherwiseEmpty();
    return appended;
  }
}
