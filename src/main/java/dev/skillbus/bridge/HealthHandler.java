package dev.skillbus.bridge;

import dev.skillbus.store.StoreHealth;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /socket/health}: this node's status, {@code {"status": "ok"|"degraded", "node": …,
 * "store": {…}}}, with HTTP 200 when every part is up and 503 otherwise. It reads the parts' state
 * and calls none of them, so it answers at once even when a part hangs.
 */
final class HealthHandler implements Handler<RoutingContext> {

  static final String PATH = "/socket/health";

  private final String nodeId;
  private final StoreHealth store;

  HealthHandler(String nodeId, StoreHealth store) {
    this.nodeId = nodeId;
    this.store = store;
  }

  /** The status body; {@code status} is "ok" only when every part is up. */
  JsonObject status() {
    return new JsonObject()
      .put("status", store.up() ? "ok" : "degraded")
      .put("node", nodeId)
      .put("store", store.toJson());
  }

  @Override
  public void handle(RoutingContext ctx) {
    JsonObject status = status();
    ctx.response()
      .setStatusCode("ok".equals(status.getString("status")) ? 200 : 503)
      .putHeader("content-type", "application/json")
      .putHeader("cache-control", "no-store")
      .end(status.encode());
  }
}
