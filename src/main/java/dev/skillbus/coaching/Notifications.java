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
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Notifications ({@code notify.send}, the Coach App's {@code notification:send}). A user who can
 * receive gets one on every connection that receives on their address; a user who cannot has it
 * queued in their inbox, and it is delivered to the first connection that registers on their
 * address next. Taking from the inbox empties it in one step, so a notification is delivered once;
 * one that cannot be written to that connection (it closed meanwhile) goes back.
 */
final class Notifications {

  static final String DELIVERED = "delivered";
  static final String QUEUED = "queued";

  private final InboxStore inbox;
  private final UserPresence presence;
  private final Audiences audiences;
  private final EventBus eventBus;

  Notifications(InboxStore inbox, UserPresence presence, Audiences audiences, EventBus eventBus) {
    this.inbox = inbox;
    this.presence = presence;
    this.audiences = audiences;
    this.eventBus = eventBus;
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
    return presence.online(userId).compose(online -> {
      if (online) {
        audiences.toUser(userId, envelope);
        return Future.succeededFuture(outcome(true, false));
      }
      return queue(userId, envelope);
    });
  }

  /**
   * Queues for a user who could not receive. They may have connected since we looked, and their
   * connection may have emptied the inbox before this arrived in it: then it is sent now.
   */
  private Future<JsonObject> queue(String userId, JsonObject envelope) {
    return inbox.push(userId, envelope)
      .compose(v -> presence.online(userId))
      .compose(online -> online
        ? inbox.take(userId).map(queued -> {
          queued.forEach(e -> audiences.toUser(userId, e));
          return outcome(true, false);
        })
        : Future.succeededFuture(outcome(false, true)));
  }

  private static JsonObject outcome(boolean delivered, boolean queued) {
    return new JsonObject().put(DELIVERED, delivered).put(QUEUED, queued);
  }

  /**
   * {@code {userId, connId}} from this node's bridge: the user's queued notifications are written to
   * that connection, oldest first; those it could not take go back into the inbox.
   */
  Future<JsonObject> userRegistered(Message<JsonObject> message) {
    String userId = Fields.requiredId(message.body(), Internal.USER_ID, Fields.USER_ID);
    String connId = Fields.requiredString(message.body(), Internal.CONN_ID, 256);
    return inbox.take(userId)
      .compose(queued -> deliver(userId, connId, queued))
      .map(new JsonObject());
  }

  private Future<Void> deliver(String userId, String connId, List<JsonObject> queued) {
    List<Future<Boolean>> acks = new ArrayList<>();
    for (JsonObject envelope : queued) {
      acks.add(Outbound.deliverToConnectionAcked(eventBus, connId, Address.user(userId), envelope));
    }
    return Future.join(acks).transform(done -> {
      Future<Void> putBack = Future.succeededFuture();
      for (int i = 0; i < queued.size(); i++) {
        if (!acks.get(i).succeeded() || !acks.get(i).result()) {
          JsonObject envelope = queued.get(i);
          putBack = putBack.compose(v -> inbox.push(userId, envelope));
        }
      }
      return putBack;
    });
  }
}
