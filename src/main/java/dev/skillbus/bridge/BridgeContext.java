package dev.skillbus.bridge;

import dev.skillbus.auth.TokenService;
import dev.skillbus.ops.Metrics;
import io.vertx.core.eventbus.EventBus;
import java.util.Map;

/** What every connection of one bridge shares. */
record BridgeContext(
  String nodeId,
  EventBus eventBus,
  TokenService tokens,
  Guard guard,
  LocalRooms rooms,
  BridgeSettings settings,
  Map<String, BridgeConnection> connections,
  Metrics metrics) {
}
