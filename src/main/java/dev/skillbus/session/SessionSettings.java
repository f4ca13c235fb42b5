package dev.skillbus.session;

import dev.skillbus.store.RoomHistory.Page;
import io.vertx.core.json.JsonObject;

/**
 * The session verticle's configuration, read from its own config object; defaults named here once.
 * {@code historyPage} bounds every reply that carries history ({@code session.history}, a join's
 * {@code missed}): from {@code history.pageMaxEvents} and {@code history.pageMaxBytes}.
 */
record SessionSettings(int cursorMaxPerSecond, long roomIdleSeconds, long sweepIntervalSeconds, long cursorRecordMs,
                       int maxRoomsPerConnection, Page historyPage, long joinTimeoutMs) {

  static final int DEFAULT_CURSOR_MAX_PER_SECOND = 30;
  static final long DEFAULT_ROOM_IDLE_SECONDS = 1800;
  static final long DEFAULT_SWEEP_INTERVAL_SECONDS = 60;
  static final long DEFAULT_CURSOR_RECORD_MS = 1000;
  static final int DEFAULT_MAX_ROOMS_PER_CONNECTION = 64;
  static final int DEFAULT_HISTORY_PAGE_MAX_EVENTS = 200;
  /** One frame that a browser parses at once and a socket drains well within bridge.slowSocketMaxBytes (1 MiB). */
  static final long DEFAULT_HISTORY_PAGE_MAX_BYTES = 256 * 1024;
  /**
   * A join not done by then is answered 503 and taken back. A node sets it below its bridge's
   * request timeout (see {@code Skillbus}), so that a client that was told its join failed is never
   * left in the room by a join that finished later; this default is for a session part alone.
   */
  static final long DEFAULT_JOIN_TIMEOUT_MS = 7_500;

  static SessionSettings from(JsonObject config) {
    JsonObject history = config.getJsonObject("history", new JsonObject());
    return new SessionSettings(
      config.getInteger("cursorMaxPerSecond", DEFAULT_CURSOR_MAX_PER_SECOND),
      config.getLong("roomIdleSeconds", DEFAULT_ROOM_IDLE_SECONDS),
      config.getLong("sweepIntervalSeconds", DEFAULT_SWEEP_INTERVAL_SECONDS),
      config.getLong("cursorRecordMs", DEFAULT_CURSOR_RECORD_MS),
      config.getInteger("maxRoomsPerConnection", DEFAULT_MAX_ROOMS_PER_CONNECTION),
      new Page(history.getInteger("pageMaxEvents", DEFAULT_HISTORY_PAGE_MAX_EVENTS),
        history.getLong("pageMaxBytes", DEFAULT_HISTORY_PAGE_MAX_BYTES)),
      config.getLong("joinTimeoutMs", DEFAULT_JOIN_TIMEOUT_MS));
  }
}
