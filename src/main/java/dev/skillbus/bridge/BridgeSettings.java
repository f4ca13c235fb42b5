package dev.skillbus.bridge;

import io.vertx.core.json.JsonObject;

/** The bridge's limits, read once from its config section; defaults are named here. */
record BridgeSettings(
  int maxFrameBytes,
  int ratePerSecond,
  int rateBurst,
  int closeAfterRefusals,
  int maxHandlersPerSocket,
  long pingTimeoutMs,
  long pingIntervalMs,
  long requestTimeoutMs,
  long slowSocketMaxBytes,
  long flushDelayMicros) {

  static BridgeSettings from(JsonObject config) {
    JsonObject rate = config.getJsonObject("rateLimit", new JsonObject());
    return new BridgeSettings(
      config.getInteger("maxFrameBytes", 65536),
      rate.getInteger("perSecond", 100),
      rate.getInteger("burst", 200),
      rate.getInteger("closeAfterRefusals", 500),
      config.getInteger("maxHandlersPerSocket", 64),
      config.getLong("pingTimeoutMs", 60_000L),
      config.getLong("pingIntervalMs", 25_000L),
      config.getLong("requestTimeoutMs", 10_000L),
      config.getLong("slowSocketMaxBytes", 1_048_576L),
      config.getLong("flushDelayMicros", 1500L));
  }
}
