package dev.skillbus.coaching;

import static dev.skillbus.coaching.CoachingFields.DATA;
import static dev.skillbus.coaching.CoachingFields.FROM;
import static dev.skillbus.coaching.CoachingFields.ID;
import static dev.skillbus.coaching.CoachingFields.MAX_MESSAGE;
import static dev.skillbus.coaching.CoachingFields.MESSAGE;
import static dev.skillbus.coaching.CoachingFields.NOTIFICATION_TYPES;
import static dev.skillbus.coaching.CoachingFields.TYPE;
import static dev.skillbus.coaching.CoachingFields.USER_ID;

import dev.skillbus.auth.Identity;
import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.Envelope;
import dev.skillbus.protocol.Event;
import dev.skillbus.protocol.Fields;
import dev.skillbus.protocol.Internal;
import dev.skillbus.protocol.Outbound;
import dev.skillbus.store.InboxStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;

/**
 * Notifications ({@code notify.send}, the Coach App's {@code notification:send}). A notification is
 * written to the user's connections on each live node that holds one, and that node says whether it
 * did; when no node says so (the user is away, or their node died or hangs), it is queued in their
 * inbox, and it is delivered to the first connection that registers on their address next (see
 * {@link InboxDelivery}): it leaves the inbox only once it was written to a connection, so it
 * arrives at least once.
 */
final class Notifications {

  static final String DELIVERED = "delivered";
  static final String QUEUED = "queued";

  private final InboxStore inbox;
  private final UserPresence presence;
  private final Audiences audiences;
  private final InboxDelivery delivery;
  private final EventBus eventBus;
  private final long deliveryTimeoutMs;

  Notifications(InboxStore inbox, UserPresence presence, Audiences audiences, Vertx vertx, long deliveryTimeoutMs) {
    this.inbox = inbox;
    this.presence = presence;
    this.audiences = audiences;
    this.delivery = new InboxDelivery(inbox, vertx, deliveryTimeoutMs);
    this.eventBus = vertx.eventBus();
    this.deliveryTimeoutMs = deliveryTimeoutMs;
  }

  /** {@code {userId, type, message, data?}}: answered with {@code {delivered, queued}}. */
  Future<JsonObject> send(Message<JsonObject> message) {
    Identity caller = Identity.fromHeaders(message.headers());
    JsonObject body = message.body();
    String userId = Fields.requiredId(body, USER_ID, Fields.USER_ID);
    JsonObject notification = new JsonObject()
      .put(ID, UUID.randomUUID().toString())
      .put(TYPE, CoachingFields.oneOf(body, TYPE, NOTIFICATION_TYPES))
      .put(MESSAGE, Fields.requiredString(body, MESSAGE, MAX_MESSAGE))
      .put(DATA, CoachingFields.optionalData(body, DATA))
      .put(FROM, CoachingFields.person(caller));
    Rules.requireMayNotify(caller, userId);
    JsonObject envelope = Envelope.of(Event.NOTIFICATION, null, notification);
    return presence.nodes(userId)
      .compose(nodes -> nodes.isEmpty() ? Future.succeededFuture(false) : toUser(nodes, userId, envelope))
      .compose(written -> written ? Future.succeededFuture(outcome(true, false)) : queue(userId, envelope));
  }

  private Future<Boolean> toUser(List<String> nodes, String userId, JsonObject envelope) {
    return audiences.toUserOn(nodes, userId, envelope, deliveryTimeoutMs);
  }

  /**
   * Queues for a user whom no node could write to. They may have connected since we looked, and
   * their connection may have taken the inbox before this arrived in it: then the inbox is
   * delivered to their nodes now (unless a delivery holds it: that one goes on with what came
   * meanwhile), and what no node wrote stays queued. When the store refuses a new inbox (413, it
   * holds the most there may be), that refusal is the answer: nothing was queued.
   */
  private Future<JsonObject> queue(String userId, JsonObject envelope) {
    return inbox.push(userId, envelope)
      .compose(v -> presence.nodes(userId))
      .compose(nodes -> nodes.isEmpty()
        ? Future.succeededFuture(outcome(false, true))
        : delivery.deliver(userId, e -> toUser(nodes, userId, e))
          .map(written -> written.stream().anyMatch(e -> idOf(e).equals(idOf(envelope)))
            ? outcome(true, false) : outcome(false, true)));
  }

  private static String idOf(JsonObject envelope) {
    return envelope.getJsonObject(Envelope.DATA).getString(ID);
  }

  private static JsonObject outcome(boolean delivered, boolean queued) {
    return new JsonObject().put(DELIVERED, delivered).put(QUEUED, queued);
  }

  /**
   * {@code {userId, connId}} from this node's bridge: the user's queued notifications are written to
   * that connection, oldest first, each once the socket drained from the one before; those it could
   * not take stay queued.
   */
  Future<JsonObject> userRegistered(Message<JsonObject> message) {
    String userId = Fields.requiredId(message.body(), Internal.USER_ID, Fields.USER_ID);
    String connId = Fields.requiredString(message.body(), Internal.CONN_ID, 256);
    return delivery.deliver(userId,
        e -> Outbound.deliverToConnectionPaced(eventBus, connId, Address.user(userId), e, deliveryTimeoutMs))
      .map(new JsonObject());
  }
}
