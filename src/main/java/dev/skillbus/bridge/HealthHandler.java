package dev.skillbus.bridge;

import dev.skillbus.protocol.Address;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /socket/health}, no token needed: the cluster's health as this node's operations part
 * reports it, with HTTP 200 while the status is {@code UP} or {@code DEGRADED} and 503 when it is
 * {@code DOWN}, so a load balancer stops sending clients to a node that cannot serve them. A node
 * whose operations part does not answer is down.
 */
final class HealthHandler implements Handler<RoutingContext> {

  static final String PATH = "/socket/health";
  static final String DOWN = "DOWN";

  private final EventBus eventBus;
  private final String nodeId;
  private final long timeoutMs;

  HealthHandler(EventBus eventBus, String nodeId, long timeoutMs) {
    this.eventBus = eventBus;
    this.nodeId = nodeId;
    this.timeoutMs = timeoutMs;
  }

  @Override
  public void handle(RoutingContext ctx) {
    eventBus.<JsonObject>request(Address.OPS_HEALTH, new JsonObject(),
        new DeliveryOptions().setLocalOnly(true).setSendTimeout(timeoutMs))
      .map(reply -> reply.body())
      .otherwise(err -> new JsonObject().put("status", DOWN).put("node", nodeId)
        .put("reason", "the node's operations part did not answer"))
      .onSuccess(health -> Responses.end(ctx.response()
        .setStatusCode(DOWN.equals(health.getString("status")) ? 503 : 200)
        .putHeader("content-type", "application/json")
        .putHeader("x-content-type-options", "nosniff")
        .putHeader("cache-control", "no-store"), health.encode()));
  }
}
