package dev.skillbus.bridge;

import dev.skillbus.auth.Identity;
import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.Envelope;
import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.Event;
import dev.skillbus.protocol.Fields;
import dev.skillbus.protocol.Inbound;
import dev.skillbus.protocol.Internal;
import dev.skillbus.protocol.Requests;
import dev.skillbus.protocol.Timestamps;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What the bridge does for its node's operations part, node-local: it lists the node's connections,
 * and moves every connection of a user in or out of a room as the connection's client would (a
 * {@code register} on the room's address and a {@code session.join}; a {@code session.leave} and an
 * {@code unregister}), so that the guard's rules, the membership and its events are the same as
 * when a browser asks. For the coaching part, it hands a user's waiting inbox to one of the node's
 * connections of the user ({@link Internal#inboxWaiting}).
 */
final class BridgeAdmin {

  /** The room field of the {@code session.*} requests (design.md). */
  private static final String SESSION_ID = "sessionId";
  /** Why {@code session-left} came: an admin took the connection out of the room. */
  private static final String REASON = "reason";
  private static final String REMOVED = "removed";

  private final BridgeContext bridge;

  BridgeAdmin(BridgeContext bridge) {
    this.bridge = bridge;
  }

  /** Registers the node-local consumers; each is ready when its {@code completion()} is. */
  List<MessageConsumer<JsonObject>> serve(EventBus eventBus) {
    return List.of(
      serve(eventBus, Address.BRIDGE_CONNECTIONS, this::connections),
      serve(eventBus, Address.USER_JOIN_ROOM, this::join),
      serve(eventBus, Address.USER_LEAVE_ROOM, this::leave),
      eventBus.consumer(Address.inboxWaiting(bridge.nodeId()), this::handInbox));
  }

  /**
   * {@code {userId, except, hops}} ({@link Internal#inboxWaiting}): the user's queued notifications
   * go to one of this node's connections on their address, other than {@code except}, as if it had
   * just registered there; nothing when there is none.
   */
  private void handInbox(Message<JsonObject> message) {
    String userId = message.body().getString(Internal.USER_ID);
    BridgeConnection connection = userId == null ? null
      : bridge.rooms().memberOtherThan(Address.user(userId), message.body().getString(Internal.EXCEPT));
    if (connection != null) {
      // Not waited for: what the delivery does not write stays queued, and it says so itself.
      Internal.userRegistered(bridge.eventBus(), userId, connection.id(), message.body().getInteger(Internal.HOPS, 0),
        bridge.settings().requestTimeoutMs());
    }
  }

  private static MessageConsumer<JsonObject> serve(EventBus eventBus, String address,
                                                   Function<Message<JsonObject>, Future<?>> handler) {
    return eventBus.localConsumer(address, message -> Requests.serve(message, handler));
  }

  /** {@code {userId?}}: the connections of that user, or of everyone; see {@link Internal#connections}. */
  private Future<JsonObject> connections(Message<JsonObject> message) {
    String userId = message.body().getString(Internal.USER_ID);
    JsonArray list = new JsonArray();
    for (BridgeConnection connection : bridge.connections().values()) {
      Identity who = connection.identity();
      if (userId == null || who != null && who.userId().equals(userId)) {
        list.add(new JsonObject()
          .put(Internal.CONN_ID, connection.id())
          .put(Internal.USER_ID, who == null ? null : who.userId())
          .put("name", who == null ? null : who.name())
          .put("role", who == null ? null : who.role().wire())
          .put("connectedAt", Timestamps.iso(connection.openedAt())));
      }
    }
    return Future.succeededFuture(new JsonObject().put(Internal.CONNECTIONS, list));
  }

  /**
   * {@code {userId, room}}: each connection of the user registers on the room and joins it. A
   * connection whose join is refused stops receiving the room again, unless it was registered on
   * the room before this move: a refused join changes nothing.
   */
  private Future<JsonObject> join(Message<JsonObject> message) {
    String roomId = Fields.requiredId(message.body(), Internal.ROOM, Fields.ROOM_ID);
    String address = Address.room(roomId);
    return moveEach(message.body(), connection -> {
      boolean added = !connection.isRegisteredForUser(address);
      return connection.registerForUser(address)
        .compose(v -> request(connection, Inbound.SESSION_JOIN.address(), roomId))
        .onFailure(err -> {
          if (added) {
            connection.unregisterForUser(address);
          }
        });
    });
  }

  /**
   * {@code {userId, room}}: each connection of the user leaves the room, then stops receiving it; one
   * that received it is told so first, with {@code session-left} on the room's address, so that its
   * client knows it is out (and does not join the room again after a reconnect).
   */
  private Future<JsonObject> leave(Message<JsonObject> message) {
    String roomId = Fields.requiredId(message.body(), Internal.ROOM, Fields.ROOM_ID);
    String address = Address.room(roomId);
    return moveEach(message.body(), connection -> request(connection, Inbound.SESSION_LEAVE.address(), roomId)
      .onSuccess(v -> {
        JsonObject left = new JsonObject().put(SESSION_ID, roomId).put(REASON, REMOVED);
        if (bridge.rooms().deliverTo(address, connection.id(), Envelope.of(Event.SESSION_LEFT, roomId, left).toBuffer())) {
          bridge.metrics().event(Event.SESSION_LEFT);
        }
        connection.unregisterForUser(address);
      }));
  }

  /**
   * Moves each connection of the user on its own, and answers once every move is done: how many
   * moved, and why each of the others did not ({@link Internal#moveUser}).
   */
  private Future<JsonObject> moveEach(JsonObject body, Function<BridgeConnection, Future<?>> move) {
    String userId = Fields.requiredId(body, Internal.USER_ID, Fields.USER_ID);
    List<Future<?>> moves = new ArrayList<>();
    for (BridgeConnection connection : new ArrayList<>(bridge.connections().values())) {
      Identity who = connection.identity();
      if (who != null && who.userId().equals(userId)) {
        try {
          moves.add(move.apply(connection));
        } catch (RuntimeException refused) {
          moves.add(Future.failedFuture(refused));
        }
      }
    }
    return Future.join(moves).transform(done -> Future.succeededFuture(outcome(moves)));
  }

  private static JsonObject outcome(List<Future<?>> moves) {
    JsonArray failed = new JsonArray();
    for (Future<?> move : moves) {
      if (move.failed()) {
        ErrorCode code = ErrorCode.of(move.cause());
        failed.add(new JsonObject().put(Internal.CODE, code.code())
          .put(Internal.MESSAGE, ErrorCode.messageOf(move.cause())));
      }
    }
    return new JsonObject().put(Internal.CONNECTIONS, moves.size() - failed.size()).put(Internal.FAILED, failed);
  }

  /** A request as the connection's client sends it: its identity and connection id stamped. */
  private Future<Object> request(BridgeConnection connection, String address, String roomId) {
    DeliveryOptions options = connection.identity().stamp(new DeliveryOptions(), connection.id())
      .setLocalOnly(true)
      .setSendTimeout(bridge.settings().requestTimeoutMs());
    return bridge.eventBus().request(address, new JsonObject().put(SESSION_ID, roomId), options).map(Message::body);
  }
}
