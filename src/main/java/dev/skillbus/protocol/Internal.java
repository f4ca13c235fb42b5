package dev.skillbus.protocol;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Requests one part of a node makes to another over the event bus, never reachable from a browser:
 * their bodies' field names and the calls that build them. All of them go to the verticle of the
 * calling node ({@code localOnly}).
 */
public final class Internal {

  public static final String ROOM = "room";
  public static final String EVENT = "event";
  public static final String DATA = "data";
  public static final String PARTICIPANTS = "participants";
  public static final String USER_ID = "userId";
  public static final String CONN_ID = "connId";
  public static final String CONNECTIONS = "connections";
  public static final String ROOMS = "rooms";
  public static final String SESSION_ID = "sessionId";
  public static final String FAILED = "failed";
  public static final String CODE = "code";
  public static final String MESSAGE = "message";
  public static final String EXCEPT = "except";
  public static final String HOPS = "hops";

  private Internal() {
  }

  /**
   * Appends a durable event to the room's history, which gives it the room's next {@code seq},
   * then publishes it on {@code room.<roomId>}: {@code {room, event, data}} to
   * {@link Address#ROOM_EVENT}. Completes with the stored envelope.
   */
  public static Future<JsonObject> roomEvent(EventBus eventBus, String roomId, String event, JsonObject data) {
    JsonObject body = new JsonObject().put(ROOM, roomId).put(EVENT, event).put(DATA, data);
    return eventBus.<JsonObject>request(Address.ROOM_EVENT, body, local()).map(reply -> reply.body());
  }

  /**
   * The room's participants, cluster-wide (empty when nobody is in it): {@code {room}} to
   * {@link Address#ROOM_PARTICIPANTS}, answered with {@code {room, participants}}.
   */
  public static Future<JsonArray> participants(EventBus eventBus, String roomId) {
    return participants(eventBus, roomId, DeliveryOptions.DEFAULT_TIMEOUT);
  }

  /** The same, failing (503) when the room's state is not read within {@code timeoutMs}. */
  public static Future<JsonArray> participants(EventBus eventBus, String roomId, long timeoutMs) {
    return eventBus.<JsonObject>request(Address.ROOM_PARTICIPANTS, new JsonObject().put(ROOM, roomId),
        local().setSendTimeout(timeoutMs))
      .map(reply -> reply.body().getJsonArray(PARTICIPANTS));
  }

  /**
   * Connection {@code connId} of this node now receives on {@code user.<userId>}: {@code {userId,
   * connId}} to {@link Address#USER_REGISTERED}. Completes once what was queued for the user was
   * delivered to that connection (or kept queued), so that the connection's next reply comes after it.
   */
  public static Future<Void> userRegistered(EventBus eventBus, String userId, String connId, long timeoutMs) {
    return userRegistered(eventBus, userId, connId, 0, timeoutMs);
  }

  /**
   * As {@link #userRegistered}, for a connection that was handed the inbox ({@link #inboxWaiting})
   * after {@code hops} deliveries before it stopped with notifications left: {@code {userId, connId,
   * hops}}.
   */
  public static Future<Void> userRegistered(EventBus eventBus, String userId, String connId, int hops, long timeoutMs) {
    JsonObject body = new JsonObject().put(USER_ID, userId).put(CONN_ID, connId).put(HOPS, hops);
    return eventBus.request(Address.USER_REGISTERED, body, local().setSendTimeout(timeoutMs)).mapEmpty();
  }

  /**
   * A delivery of the user's inbox stopped with notifications left: node {@code nodeId}'s bridge
   * picks one of its connections registered on {@code user.<userId>}, other than {@code exceptConnId}
   * (may be null), and delivers the inbox to it as if it had just registered ({@link #userRegistered}
   * with {@code hops}). {@code {userId, except, hops}} to {@link Address#inboxWaiting}, cluster-wide
   * ({@code local} for the sender's own node, which is reached without asking the cluster manager),
   * not answered: a node without such a connection does nothing.
   */
  public static void inboxWaiting(EventBus eventBus, String nodeId, boolean local, String userId, String exceptConnId,
                                  int hops) {
    JsonObject body = new JsonObject().put(USER_ID, userId).put(EXCEPT, exceptConnId).put(HOPS, hops);
    eventBus.send(Address.inboxWaiting(nodeId), body, new DeliveryOptions().setLocalOnly(local));
  }

  /**
   * The status of the course session whose room this is, from this node's course part: {@code
   * {sessionId}} to {@link Address#COURSE_SESSION_STATUS}, answered with the status that {@code
   * course.status} gives. Null when the room is not a course session's, when there is no such
   * session (never was, or expired) and on a node without a course part.
   */
  public static Future<JsonObject> courseStatus(EventBus eventBus, String roomId) {
    if (!roomId.startsWith(Address.COURSE_SESSION_PREFIX)) {
      return Future.succeededFuture();
    }
    return eventBus.<JsonObject>request(Address.COURSE_SESSION_STATUS, new JsonObject().put(SESSION_ID, roomId), local())
      .map(Message::body)
      .recover(err -> err instanceof ReplyException reply && (reply.failureType() == ReplyFailure.NO_HANDLERS
        || reply.failureType() == ReplyFailure.RECIPIENT_FAILURE && reply.failureCode() == ErrorCode.NOT_FOUND.code())
        ? Future.succeededFuture()
        : Future.failedFuture(err));
  }

  // Operations (ops) ask the bridge and the session part of their own node.

  /**
   * This node's bridge connections, of one user or (null) of all: {@code {userId?}} to
   * {@link Address#BRIDGE_CONNECTIONS}, answered with {@code {connections: [{connId, userId, name,
   * role, connectedAt}]}}; the identity fields are null while a connection has not authenticated.
   */
  public static Future<JsonArray> connections(EventBus eventBus, String userId) {
    return eventBus.<JsonObject>request(Address.BRIDGE_CONNECTIONS, new JsonObject().put(USER_ID, userId), local())
      .map(reply -> reply.body().getJsonArray(CONNECTIONS));
  }

  /**
   * Every connection of the user on this node joins or leaves the room as if its client had asked:
   * {@code {userId, room}} to {@link Address#USER_JOIN_ROOM} or {@link Address#USER_LEAVE_ROOM},
   * answered with {@code {connections, failed}}: how many were moved, and a {@code {code, message}}
   * for each connection that was not (each is moved on its own).
   */
  public static Future<JsonObject> moveUser(EventBus eventBus, String address, String userId, String roomId, long timeoutMs) {
    JsonObject body = new JsonObject().put(USER_ID, userId).put(ROOM, roomId);
    return eventBus.<JsonObject>request(address, body, local().setSendTimeout(timeoutMs)).map(Message::body);
  }

  /** The rooms each connection of this node joined, {@code {connId: [roomId]}}: {@link Address#LOCAL_MEMBERSHIPS}. */
  public static Future<JsonObject> localMemberships(EventBus eventBus) {
    return eventBus.<JsonObject>request(Address.LOCAL_MEMBERSHIPS, new JsonObject(), local()).map(reply -> reply.body());
  }

  /**
   * The rooms this node's connections joined: {@link Address#LOCAL_ROOMS}, answered with {@code {rooms:
   * {roomId: {users: [userId], connections, since}}}}: the users (sorted) and connections of this node
   * in the room, and when the longest-present of them joined (epoch millis). This node's own record:
   * no read of the cluster's membership, which waits while a member is stalled.
   */
  public static Future<JsonObject> localRooms(EventBus eventBus) {
    return eventBus.<JsonObject>request(Address.LOCAL_ROOMS, new JsonObject(), local())
      .map(reply -> reply.body().getJsonObject(ROOMS));
  }

  /**
   * {@code {rooms: [roomId]}} to {@link Address#ROOM_POSITIONS}, answered with {@code {rooms: [{room,
   * seq, epoch}]}} in the same order: each room's history position.
   */
  public static Future<JsonArray> roomPositions(EventBus eventBus, JsonArray roomIds) {
    return eventBus.<JsonObject>request(Address.ROOM_POSITIONS, new JsonObject().put(ROOMS, roomIds), local())
      .map(reply -> reply.body().getJsonArray(ROOMS));
  }

  private static DeliveryOptions local() {
    return new DeliveryOptions().setLocalOnly(true);
  }
}
