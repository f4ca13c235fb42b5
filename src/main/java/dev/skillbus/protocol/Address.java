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
   * ({@code session-joined}). Never reachable from a browser.
   */
  public static final String DELIVER_TO_CONNECTION = "skillbus.internal.deliver";

  /**
   * Node-local, published: a connection of this node joined a room, body {@code {connId, roomId,
   * userId}}; services that greet joiners (a course session's {@code session_status}) listen.
   */
  public static final String ROOM_JOINED = "skillbus.internal.room-joined";

  /** Any node: a stored course by id, body {@code {courseId}}; for the REST API only. */
  public static final String COURSE_GET = "skillbus.course.get";

  /**
   * Prefix of each node's course address, {@code skillbus.internal.course.node.<memberId>}: asks the
   * node that runs a generation job to stop it, body {@code {sessionId, reason}}.
   */
  public static final String COURSE_NODE_PREFIX = "skillbus.internal.course.node.";

  private Address() {
  }

  public static String room(String roomId) {
    return ROOM_PREFIX + roomId;
  }

  public static String user(String userId) {
    return USER_PREFIX + userId;
  }
}
