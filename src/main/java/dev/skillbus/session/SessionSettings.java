package dev.skillbus.session;

import io.vertx.core.json.JsonObject;

/** The session verticle's configuration, read from its own config object; defaults named here once. */
record SessionSettings(int cursorMaxPerSecond, long roomIdleSeconds, long sweepIntervalSeconds, long cursorRecordMs,
                       int maxRoomsPerConnection) {

  static final int DEFAULT_CURSOR_MAX_PER_SECOND = 30;
  static final long DEFAULT_ROOM_IDLE_SECONDS = 1800;
  static final long DEFAULT_SWEEP_INTERVAL_SECONDS = 60;
  static final long DEFAULT_CURSOR_RECORD_MS = 1000;
  static final int DEFAULT_MAX_ROOMS_PER_CONNECTION = 64;

  static SessionSettings from(JsonObject config) {
    return new SessionSettings(
      config.getInteger("cursorMaxPerSecond", DEFAULT_CURSOR_MAX_PER_SECOND),
      config.getLong("roomIdleSeconds", DEFAULT_ROOM_IDLE_SECONDS),
      config.getLong("sweepIntervalSeconds", DEFAULT_SWEEP_INTERVAL_SECONDS),
      config.getLong("cursorRecordMs", DEFAULT_CURSOR_RECORD_MS),
      config.getInteger("maxRoomsPerConnection", DEFAULT_MAX_ROOMS_PER_CONNECTION));
  }
}
