package dev.skillbus.protocol;

/**
 * Event-bus addresses. Browser-visible ones are listed in {@link Inbound} (what a browser may send
 * to) and built with {@link #room(String)} / {@link #user(String)} (what a browser may receive).
 */
public final class Address {

  /** Prefix of a room's address: {@code room.<roomId>}. */
  public static final String ROOM_PREFIX = "room.";
  /** Prefix of a user's private address: {@code user.<userId>}. */
  public static final String USER_PREFIX = "user.";

  /**
   * Node-local: the bridge tells its node's session verticle that a connection closed, body
   * {@code {connId}}. Never reachable from a browser.
   */
  public static final String CONNECTION_CLOSED = "skillbus.internal.connection-closed";

  /**
   * Node-local: deliver one envelope to one connection of this node, body
   * {@code {connId, address, envelope}}; used for events meant for the joiner only
   * ({@code session-joined}) and for queued notifications. Answered, when asked, with whether the
   * connection was there to write to. Never reachable from a browser.
   */
  public static final String DELIVER_TO_CONNECTION = "skillbus.internal.deliver";
  /**
   * Prefix of each node's bridge address for a user's notifications, {@code
   * skillbus.internal.user-delivery.<nodeId>}: see {@link Outbound#deliverToUserOn}.
   */
  public static final String USER_DELIVERY_PREFIX = "skillbus.internal.user-delivery.";
  /**
   * Prefix of each node's bridge address for a user whose queued notifications wait for a
   * connection, {@code skillbus.internal.inbox-waiting.<nodeId>}: see {@link Internal#inboxWaiting}.
   */
  public static final String INBOX_WAITING_PREFIX = "skillbus.internal.inbox-waiting.";

  // Coaching and the services parts give each other; none of them is reachable from a browser.

  /**
   * Node-local, served by the session verticle: append a durable event to a room's history and
   * publish it. See {@link Internal#roomEvent}.
   */
  public static final String ROOM_EVENT = "skillbus.internal.room-event";

  /**
   * Cluster-wide, served by every session verticle: a presence event ({@code user-joined} or
   * {@code user-left}) that a stopping node could not store, taken over by another node to send once
   * the store is back: {@code {roomId, event, connection: {connId, userId, name, role, nodeId,
   * joinedAt}, change}}, {@code change} the membership version of the change it announces (with the
   * event and the user, its id in the room's history).
   */
  public static final String PRESENCE_HANDOFF = "skillbus.internal.presence-handoff";

  /** Node-local, served by the session verticle: a room's participants. See {@link Internal#participants}. */
  public static final String ROOM_PARTICIPANTS = "skillbus.internal.room-participants";

  /**
   * Node-local: the bridge tells its node's coaching verticle that a connection now receives on its
   * user's address, so that notifications queued while the user was away are delivered to it. See
   * {@link Internal#userRegistered}.
   */
  public static final String USER_REGISTERED = "skillbus.internal.user-registered";

  /** REST only ({@code GET /api/agents/{agentId}/notes}): an agent's quick notes, newest first. */
  public static final String NOTES_LIST = "notes.list";
  /** REST only ({@code GET /api/agents/{agentId}/action-items}): an agent's action items, newest first. */
  public static final String ACTIONS_LIST = "actions.list";
  /** REST only ({@code GET /api/sessions/{sessionId}}): a session's document and participants. */
  public static final String SESSION_GET = "session.get";
  /**
   * Node-local, published: a connection of this node joined a room, body {@code {connId, roomId,
   * userId}}; services that greet joiners (a course session's {@code session_status}) listen.
   */
  public static final String ROOM_JOINED = "skillbus.internal.room-joined";

  /** Room ids of course generation sessions start with this ({@code course_<millis>_<hex>}). */
  public static final String COURSE_SESSION_PREFIX = "course_";

  /**
   * Node-local, served by the course verticle: a course session's status, body {@code {sessionId}}.
   * See {@link Internal#courseStatus}.
   */
  public static final String COURSE_SESSION_STATUS = "skillbus.internal.course-session-status";

  /** Any node: a stored course by id, body {@code {courseId}}; for the REST API only. */
  public static final String COURSE_GET = "skillbus.course.get";

  /**
   * Prefix of each node's course address, {@code skillbus.internal.course.node.<memberId>}: asks the
   * node that runs a generation job to stop it, body {@code {sessionId, reason}}.
   */
  public static final String COURSE_NODE_PREFIX = "skillbus.internal.course.node.";

  // Operations (ops): the REST API under /socket, admin only (health excepted). None of them is
  // reachable from a browser; each is served by the ops verticle of the node that was asked, which
  // answers for the whole cluster by asking every node's ops verticle at its own address
  // (opsNode). See the ops package for the bodies.

  public static final String OPS_HEALTH = "ops.health";
  public static final String OPS_STATS = "ops.stats";
  public static final String OPS_USERS = "ops.users";
  public static final String OPS_USER_CONNECTED = "ops.user-connected";
  public static final String OPS_ROOMS = "ops.rooms";
  public static final String OPS_ROOM_CREATE = "ops.room-create";
  public static final String OPS_ROOM_JOIN = "ops.room-join";
  public static final String OPS_ROOM_LEAVE = "ops.room-leave";
  public static final String OPS_ROOM_MESSAGE = "ops.room-message";
  public static final String OPS_METRICS = "ops.metrics";

  /** Prefix of one node's own operations, {@code ops.node.<nodeId>}: see {@link #opsNode}. */
  public static final String OPS_NODE_PREFIX = "ops.node.";

  /** Node-local, served by the bridge: this node's connections. See {@link Internal#connections}. */
  public static final String BRIDGE_CONNECTIONS = "skillbus.internal.bridge-connections";
  /**
   * Node-local, served by the bridge: every connection of a user on this node joins (or leaves) a
   * room as if its client had asked. See {@link Internal#moveUser}.
   */
  public static final String USER_JOIN_ROOM = "skillbus.internal.user-join-room";
  public static final String USER_LEAVE_ROOM = "skillbus.internal.user-leave-room";
  /** Node-local, served by the session verticle: the rooms each connection of this node joined. */
  public static final String LOCAL_MEMBERSHIPS = "skillbus.internal.local-memberships";
  /** Node-local, served by the session verticle: the rooms this node's connections joined, with who and since when. */
  public static final String LOCAL_ROOMS = "skillbus.internal.local-rooms";
  /** Node-local, served by the session verticle: the history position of some rooms. */
  public static final String ROOM_POSITIONS = "skillbus.internal.room-positions";

  private Address() {
  }

  public static String room(String roomId) {
    return ROOM_PREFIX + roomId;
  }

  public static String user(String userId) {
    return USER_PREFIX + userId;
  }

  /** The address at which one node's bridge writes to its connections of a user, acknowledged. */
  public static String userDelivery(String nodeId) {
    return USER_DELIVERY_PREFIX + nodeId;
  }

  /** The address at which one node's bridge hands a user's waiting inbox to one of its connections. */
  public static String inboxWaiting(String nodeId) {
    return INBOX_WAITING_PREFIX + nodeId;
  }

  /**
   * The address of one node's own operations, {@code ops.node.<nodeId>}; the operation is named in
   * the message's {@code op} header. One address per node, so that once a node has sent there, it
   * knows where that is without asking the cluster manager again.
   */
  public static String opsNode(String nodeId) {
    return OPS_NODE_PREFIX + nodeId;
  }
}
