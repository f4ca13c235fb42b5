package dev.skillbus.protocol;

/**
 * Event-bus header names. The {@code x-user-*} and {@code x-conn-id} headers are stamped by the
 * bridge guard from the verified token; verticles trust only these, and the guard never forwards
 * headers a client sent.
 */
public final class Header {

  /** Header a client puts on every frame: {@code Bearer <JWT>}. */
  public static final String AUTHORIZATION = "authorization";

  public static final String USER_ID = "x-user-id";
  public static final String USER_NAME = "x-user-name";
  public static final String USER_ROLE = "x-user-role";
  /** The cluster-unique id of the bridge connection a request came from. */
  public static final String CONN_ID = "x-conn-id";

  /** On a request any node may serve: when its caller stops waiting, and how long it waits (see {@link Deadline}). */
  public static final String DEADLINE = "x-deadline";

  /** On a room/user publication: the event is volatile, a slow socket may drop it. */
  public static final String VOLATILE = "x-volatile";
  /** On a room publication: the connection that caused it, which does not get its own echo. */
  public static final String ORIGIN_CONN = "x-origin-conn";

  /**
   * On a room/user publication: not an event but a route probe, published by the node this header
   * names; bridges take it as proof that that node routes the address to them and never deliver it.
   */
  public static final String ROUTE_PROBE = "x-route-probe";

  private Header() {
  }
}
