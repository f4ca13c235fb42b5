package dev.skillbus.protocol;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/**
 * Publishing envelopes to {@code room.<id>} and {@code user.<id>}. The body travels as the
 * envelope's JSON bytes (a {@code Buffer}) so that each node's bridge wraps it into a bridge frame
 * without decoding and re-encoding it.
 */
public final class Outbound {

  /** The fields of a {@link Address#DELIVER_TO_CONNECTION} body. */
  public static final String CONN_ID = Internal.CONN_ID;
  public static final String ADDRESS = "address";
  public static final String ENVELOPE = "envelope";
  public static final String WAIT_MS = "waitMs";

  private Outbound() {
  }

  /** Publishes a durable envelope: every member gets it, a slow socket never drops it. */
  public static void publish(EventBus eventBus, String address, JsonObject envelope) {
    eventBus.publish(address, envelope.toBuffer());
  }

  /**
   * Publishes a volatile envelope (cursor, activity): a slow socket may drop it, and the
   * connection {@code originConn} (may be null) does not receive its own echo.
   */
  public static void publishVolatile(EventBus eventBus, String address, JsonObject envelope, String originConn) {
    DeliveryOptions options = new DeliveryOptions().addHeader(Header.VOLATILE, "1");
    if (originConn != null) {
      options.addHeader(Header.ORIGIN_CONN, originConn);
    }
    eventBus.publish(address, envelope.toBuffer(), options);
  }

  /**
   * Delivers an envelope to one connection of this node, as if received on {@code address}
   * (events meant for one joiner only). Dropped when that connection is gone or not registered on
   * {@code address}.
   */
  public static void deliverToConnection(EventBus eventBus, String connId, String address, JsonObject envelope) {
    eventBus.send(Address.DELIVER_TO_CONNECTION, delivery(connId, address, envelope), new DeliveryOptions().setLocalOnly(true));
  }

  /**
   * As {@link #deliverToConnection}, paced: written once the connection's socket can take it within
   * its buffer (at once while it can, else once it drained). Completes with whether the connection's
   * transport wrote it (handed it to the operating system, or to the poll that carries it), all
   * within {@code waitMs}: false when the connection is gone, is not registered on {@code address},
   * did not drain in time (then it is not written) or the write did not complete in time (then it
   * may still be written). One after the other, any number
   * of envelopes reach a connection that reads without it ever being closed as too slow.
   */
  public static Future<Boolean> deliverToConnectionPaced(EventBus eventBus, String connId, String address,
                                                         JsonObject envelope, long waitMs) {
    // Longer than the bridge waits: its answer, not this timeout, says whether it wrote.
    DeliveryOptions options = new DeliveryOptions().setLocalOnly(true).setSendTimeout(2 * waitMs);
    return eventBus.<Boolean>request(Address.DELIVER_TO_CONNECTION, delivery(connId, address, envelope).put(WAIT_MS, waitMs),
      options).map(reply -> Boolean.TRUE.equals(reply.body()));
  }

  /**
   * Writes a durable envelope to every connection that node {@code nodeId} holds on {@code
   * user.<userId>}: {@code {userId, envelope, waitMs}} to {@link Address#userDelivery}, answered with
   * to how many connections the transport wrote it within half of {@code timeoutMs} (handed it to the
   * TCP socket, or to the poll request that carries it). Fails when the node does not answer within
   * {@code timeoutMs} (it died, or hangs): then whether it was written is not known. To this node
   * itself ({@code local}) it is sent without asking the cluster manager where that address is,
   * which waits while the member holding that entry hangs.
   */
  public static Future<Integer> deliverToUserOn(EventBus eventBus, String nodeId, boolean local, String userId,
                                                JsonObject envelope, long timeoutMs) {
    JsonObject body = new JsonObject().put(Internal.USER_ID, userId).put(ENVELOPE, envelope).put(WAIT_MS, timeoutMs / 2);
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(timeoutMs).setLocalOnly(local);
    return eventBus.<Integer>request(Address.userDelivery(nodeId), body, options).map(reply -> reply.body());
  }

  private static JsonObject delivery(String connId, String address, JsonObject envelope) {
    return new JsonObject().put(CONN_ID, connId).put(ADDRESS, address).put(ENVELOPE, envelope);
  }
}
