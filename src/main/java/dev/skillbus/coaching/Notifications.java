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
import dev.skillbus.coaching.InboxDelivery.Ended;
import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.Envelope;
import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.Event;
import dev.skillbus.protocol.Fields;
import dev.skillbus.protocol.Internal;
import dev.skillbus.protocol.Outbound;
import dev.skillbus.store.InboxStore;
import dev.skillbus.store.InboxStore.Behind;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notifications ({@code notify.send}, the Coach App's {@code notification:send}). A notification is
 * written to the user's connections on each live node that holds one, and that node says whether it
 * did; when no node says so (the user is away, or their node died or hangs), it is queued in their
 * inbox, and it is delivered to the first connection that registers on their address next (see
 * {@link InboxDelivery}): it leaves the inbox only once a connection's transport wrote it, so it
 * gets out at least once. A delivery that stops with some left hands the inbox on to the user's
 * other connections, and one that found the inbox held tries again once that lease ran out. A
 * notification for a user whose inbox holds any (queued, or on their way to a connection) is queued
 * behind them, so that it does not overtake them, unless that would drop one (see
 * {@link InboxStore#pushBehind}).
 */
final class Notifications {

  static final String DELIVERED = "delivered";
  static final String QUEUED = "queued";
  /** Hand-ons of an inbox in a row, after deliveries that each stopped with notifications left. */
  static final int MAX_HOPS = 3;
  private static final long LOOKUP_TIMEOUT_MS = 1000;

  private static final Logger LOG = LoggerFactory.getLogger(Notifications.class);

  private final InboxStore inbox;
  private final UserPresence presence;
  private final Audiences audiences;
  private final InboxDelivery delivery;
  private final EventBus eventBus;
  private final Vertx vertx;
  private final long deliveryTimeoutMs;
  /** How long the cluster manager may take to tell where a user receives (it answers in ms when well). */
  private final long lookupTimeoutMs;

  Notifications(InboxStore inbox, UserPresence presence, Audiences audiences, Vertx vertx, long deliveryTimeoutMs) {
    this.inbox = inbox;
    this.presence = presence;
    this.audiences = audiences;
    this.delivery = new InboxDelivery(inbox, vertx, deliveryTimeoutMs);
    this.eventBus = vertx.eventBus();
    this.vertx = vertx;
    this.deliveryTimeoutMs = deliveryTimeoutMs;
    this.lookupTimeoutMs = Math.max(1, Math.min(LOOKUP_TIMEOUT_MS, deliveryTimeoutMs / 2));
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
    return inbox.pushBehind(userId, envelope)
      // A store that cannot answer now (down, or stalled) does not hold up a user who can receive live.
      .recover(err -> ErrorCode.of(err) == ErrorCode.UNAVAILABLE ? Future.succeededFuture(Behind.NO_INBOX) : Future.failedFuture(err))
      .compose(behind -> behind == Behind.QUEUED ? handWaiting(userId) : live(userId, envelope))
      .onSuccess(outcome -> audiences.counted(envelope));
  }

  /**
   * Written to the user's connections, or else queued: the user's inbox held nothing when we looked
   * (so that nothing older is on its way to them), or as many as it may hold, or the store did not
   * say.
   */
  private Future<JsonObject> live(String userId, JsonObject envelope) {
    long start = System.nanoTime();
    return presence.nodes(userId, lookupTimeoutMs)
      .compose(nodes -> nodes.isEmpty() ? Future.succeededFuture(false) : toUser(nodes, userId, envelope, start))
      .compose(written -> written ? Future.succeededFuture(outcome(true, false)) : queue(userId, envelope));
  }

  /**
   * Written by the user's nodes within what is left of {@code deliveryTimeoutMs} since {@code start}
   * (the lookup of those nodes took the rest): a user whose node hangs is queued for within it.
   */
  private Future<Boolean> toUser(List<String> nodes, String userId, JsonObject envelope, long start) {
    long left = deliveryTimeoutMs - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    return audiences.toUserOn(nodes, presence.self(), userId, envelope, Math.max(1, left));
  }

  /**
   * Queues for a user whom no node could write to. They may have registered since we looked, and
   * their connection may have taken the inbox before this arrived in it: then their nodes are told
   * that the inbox waits, and one connection of each is handed it ({@link #userRegistered}), paced.
   * When the store refuses a new inbox (413, it holds the most there may be), that refusal is the
   * answer: nothing was queued.
   */
  private Future<JsonObject> queue(String userId, JsonObject envelope) {
    return inbox.push(userId, envelope).compose(v -> handWaiting(userId));
  }

  /**
   * Tells the user's nodes that their inbox waits: each hands it to one of its connections of the
   * user. The answer, queued, does not wait for the lookup of those nodes.
   */
  private Future<JsonObject> handWaiting(String userId) {
    presence.nodes(userId, lookupTimeoutMs).onSuccess(nodes ->
      nodes.forEach(node -> Internal.inboxWaiting(eventBus, node, node.equals(presence.self()), userId, null, 0)));
    return Future.succeededFuture(outcome(false, true));
  }

  private static JsonObject outcome(boolean delivered, boolean queued) {
    return new JsonObject().put(DELIVERED, delivered).put(QUEUED, queued);
  }

  /**
   * {@code {userId, connId, hops?}} from this node's bridge: the user's queued notifications are
   * written to that connection, oldest first, each once the socket drained from the one before; those
   * it could not take stay queued. Answered once that is done, or at once when another delivery holds
   * the inbox (see {@link #follow} for what comes after), or when the store failed the first take:
   * the connection's next requests then go on while the delivery tries again.
   */
  Future<JsonObject> userRegistered(Message<JsonObject> message) {
    String userId = Fields.requiredId(message.body(), Internal.USER_ID, Fields.USER_ID);
    String connId = Fields.requiredString(message.body(), Internal.CONN_ID, 256);
    int hops = message.body().getInteger(Internal.HOPS, 0);
    Promise<Void> retrying = Promise.promise();
    return Future.any(deliverTo(userId, connId, hops, retrying::tryComplete), retrying.future()).map(new JsonObject());
  }

  private Future<Void> deliverTo(String userId, String connId, int hops, Runnable retrying) {
    return delivery.deliver(userId,
        e -> Outbound.deliverToConnectionPaced(eventBus, connId, Address.user(userId), e, deliveryTimeoutMs), retrying)
      .map(ended -> {
        follow(ended, userId, connId, hops);
        return null;
      });
  }

  /**
   * A delivery that did not empty the inbox is followed up, so that nothing waits beside a
   * connection that could take it. Found held: the connection tries again once that lease ran out
   * (if the holder stops early, it hands the inbox on sooner); a closed connection finds out at
   * its first write. Stopped at a write: the user's other connections are handed the inbox; stopped
   * at an acknowledgement: all of them, this one too. At most {@link #MAX_HOPS} hand-ons in a row, so
   * that connections that cannot take it do not pass it around until it expires.
   */
  private void follow(Ended ended, String userId, String connId, int hops) {
    switch (ended.why()) {
      case HELD -> vertx.setTimer(ended.heldForMillis(), t -> deliverTo(userId, connId, hops, InboxDelivery.NO_ONE_WAITS));
      case NOT_WRITTEN -> handOn(userId, connId, hops);
      case NOT_ACKNOWLEDGED -> handOn(userId, null, hops);
      case DONE -> {
      }
    }
  }

  private void handOn(String userId, String exceptConnId, int hops) {
    if (hops >= MAX_HOPS) {
      LOG.info("Queued notifications of user {} left after {} deliveries that stopped early; they wait for the next"
        + " connection", userId, hops + 1);
      return;
    }
    presence.nodes(userId, lookupTimeoutMs).onSuccess(nodes ->
      nodes.forEach(node -> Internal.inboxWaiting(eventBus, node, node.equals(presence.self()), userId, exceptConnId,
        hops + 1)));
  }
}
