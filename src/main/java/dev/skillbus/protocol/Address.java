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

  private Address() {
  }

  public static String room(String roomId) {
    return ROOM_PREFIX + roomId;
  }

  public static String user(String userId) {
    return USER_PREFIX + userId;
  }
}
