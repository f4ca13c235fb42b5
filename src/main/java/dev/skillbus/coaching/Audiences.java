package dev.skillbus.coaching;

import dev.skillbus.auth.Identity;
import dev.skillbus.auth.RoomRules;
import dev.skillbus.ops.Metrics;
import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.Envelope;
import dev.skillbus.protocol.Internal;
import dev.skillbus.protocol.Outbound;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends coaching events to who should see them: a user's own address ({@code user.<id>}, on every
 * node where they are connected) and a session room, where the event is durable (it gets the room's
 * seq and history through the session part, so a client that reconnects recovers it). Events follow
 * a stored change: when one cannot be sent, the change stands and the failure is logged. A private
 * room's rule ({@link RoomRules}) holds here as on join: whoever may not join a room may neither
 * write into it nor read it through a coaching request, checked before anything is stored.
 */
final class Audiences {

  private static final Logger LOG = LoggerFactory.getLogger(Audiences.class);

  private final EventBus eventBus;
  private final Metrics metrics;
  private final RoomRules rules;

  Audiences(EventBus eventBus, Metrics metrics, RoomRules rules) {
    this.eventBus = eventBus;
    this.metrics = metrics;
    this.rules = rules;
  }

  /** Nothing when there is no session or the caller may join it, else a 403 (a private room). */
  void requireMayReach(Identity caller, String sessionId) {
    if (sessionId != null) {
      rules.check(caller, sessionId);
    }
  }

  /** The rooms the caller may not join: the private ones whose rule does not admit them. */
  Set<String> hiddenFrom(Identity caller) {
    return rules.roomIds().stream().filter(roomId -> !rules.allows(caller, roomId)).collect(Collectors.toSet());
  }

  /** To the user's address and, when {@code sessionId} is not null, to that session's room. */
  Future<Void> toUserAndSession(String userId, String sessionId, String event, JsonObject data) {
    toUser(userId, Envelope.of(event, null, data));
    return sessionId == null ? Future.succeededFuture() : toRoom(sessionId, event, data);
  }

  /** A durable event in the room; completes once it is stored and published, or logged as lost. */
  Future<Void> toRoom(String roomId, String event, JsonObject data) {
    return Internal.roomEvent(eventBus, roomId, event, data)
      .<Void>mapEmpty()
      .recover(err -> {
        LOG.warn("{} not sent to room {}: {}", event, roomId, err.getMessage());
        return Future.succeededFuture();
      });
  }

  /**
   * An envelope to the user's connections on these nodes, each node answering whether it wrote it:
   * true when some node wrote it to a connection, false when none did or none answered in time.
   * {@code self}, this node, is reached without asking the cluster manager.
   */
  Future<Boolean> toUserOn(List<String> nodes, String self, String userId, JsonObject envelope, long timeoutMs) {
    List<Future<Integer>> writes = nodes.stream()
      .map(node -> Outbound.deliverToUserOn(eventBus, node, node.equals(self), userId, envelope, timeoutMs)).toList();
    return Future.join(writes).transform(done ->
      Future.succeededFuture(writes.stream().anyMatch(w -> w.succeeded() && w.result() > 0)));
  }

  /**
   * Counts an event that reaches its user by a way of its own (a notification, written at once or
   * queued and written later): once, when it is accepted.
   */
  void counted(JsonObject envelope) {
    metrics.event(envelope.getString(Envelope.EVENT));
  }

  /** An envelope on {@code user.<userId>}: every connection of the user that receives there gets it. */
  void toUser(String userId, JsonObject envelope) {
    metrics.event(envelope.getString(Envelope.EVENT));
    Outbound.publish(eventBus, Address.user(userId), envelope);
  }
}
