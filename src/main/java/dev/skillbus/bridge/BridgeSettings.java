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
  long authTimeoutMs,
  long requestTimeoutMs,
  long slowSocketMaxBytes,
  long replyBacklogMaxBytes,
  long flushDelayMicros) {

  /**
   * How long a socket may stay open without presenting a valid token: far more than any client
   * needs between opening and its first frame (skillbus.js and the official client send theirs
   * as soon as the socket opens; a SockJS polling fallback on a slow mobile network takes a few
   * seconds), and half the ping timeout, so that pinging alone never keeps a socket. Socket.IO
   * waits 45 s for a namespace connect.
   */
  static final long DEFAULT_AUTH_TIMEOUT_MS = 30_000L;

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
      config.getLong("authTimeoutMs", DEFAULT_AUTH_TIMEOUT_MS),
      config.getLong("requestTimeoutMs", 10_000L),
      config.getLong("slowSocketMaxBytes", 1_048_576L),
      config.getLong("replyBacklogMaxBytes", 8L * 1_048_576L),
      config.getLong("flushDelayMicros", 5000L));
  }
}
