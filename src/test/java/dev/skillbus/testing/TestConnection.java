package dev.skillbus.testing;

import dev.skillbus.protocol.Header;
import dev.skillbus.protocol.Inbound;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * Stands in for one bridge connection of a node: sends requests to the verticles of that node the
 * way the bridge guard does (node-local, stamped with {@code x-user-*} and {@code x-conn-id}).
 * Two {@code TestConnection}s of the same user are two tabs.
 */
public final class TestConnection {

  private final Vertx vertx;
  private final String userId;
  private final String name;
  private final String role;
  private final String connId = "conn-" + UUID.randomUUID();

  public TestConnection(Vertx vertx, String userId, String name, String role) {
    this.vertx = vertx;
    this.userId = userId;
    this.name = name;
    this.role = role;
  }

  public String connId() {
    return connId;
  }

  public String userId() {
    return userId;
  }

  /** Request/reply: the reply body, or a failure whose {@code ReplyException.failureCode()} is the code. */
  public Future<JsonObject> request(String address, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(address, body, options()).map(reply -> reply.body());
  }

  /** {@code session.join} of the room, as a client asks. */
  public Future<JsonObject> join(String room) {
    return request(Inbound.SESSION_JOIN.address(), new JsonObject().put("sessionId", room));
  }

  /** {@code session.leave} of the room, as a client asks. */
  public Future<JsonObject> leave(String room) {
    return request(Inbound.SESSION_LEAVE.address(), new JsonObject().put("sessionId", room));
  }

  /** Fire and forget, as browsers send cursors. */
  public void send(String address, JsonObject body) {
    vertx.eventBus().send(address, body, options());
  }

  /** The options the bridge would use for this connection's requests. */
  public DeliveryOptions options() {
    return new DeliveryOptions()
      .setLocalOnly(true)
      .addHeader(Header.USER_ID, userId)
      .addHeader(Header.USER_NAME, name)
      .addHeader(Header.USER_ROLE, role)
      .addHeader(Header.CONN_ID, connId);
  }
}
