package dev.skillbus.store;

import io.vertx.core.json.JsonObject;

/**
 * The store's settings, from the node's config: the {@code store} object, and the history bounds
 * from {@code session.history}. Without a {@code redisUrl} the node keeps everything in memory.
 */
public record StoreSettings(RedisSettings redis, int maxValueBytes, int maxItemsPerOwner, int inboxMaxPerUser,
                            long inboxTtlSeconds, int inboxMaxUsers, int inboxMaxMemoryMb, int historyMaxEvents,
                            long historyMaxAgeSeconds) {

  /** Holds a session document with every field at its limit: 30,000 characters, 90 KB of three-byte ones. */
  static final int DEFAULT_MAX_VALUE_BYTES = 256 * 1024;
  static final int DEFAULT_MAX_ITEMS_PER_OWNER = 1000;
  static final int DEFAULT_INBOX_MAX_PER_USER = 100;
  static final long DEFAULT_INBOX_TTL_SECONDS = 7 * 86_400;
  /** Any user id may be notified, invented ones too: without a bound, inboxes would grow with them. */
  static final int DEFAULT_INBOX_MAX_USERS = 100_000;
  /** In memory, 100 notifications for each of 100,000 users could take gigabytes: a node's inboxes are bounded. */
  static final int DEFAULT_INBOX_MAX_MEMORY_MB = 256;
  static final int DEFAULT_HISTORY_MAX_EVENTS = 1000;
  static final long DEFAULT_HISTORY_MAX_AGE_SECONDS = 86_400;

  /**
   * Every limit must be positive: a zero would refuse everything, or (an inbox of 0 notifications, a
   * time to live of 0) answer {@code queued: true} for what is dropped at once.
   */
  public StoreSettings {
    requirePositive(maxValueBytes, "store.maxValueBytes (STORE_MAX_VALUE_BYTES)");
    requirePositive(maxItemsPerOwner, "store.maxItemsPerOwner (STORE_MAX_ITEMS_PER_OWNER)");
    requirePositive(inboxMaxPerUser, "store.inbox.maxPerUser (INBOX_MAX_PER_USER)");
    requirePositive(inboxTtlSeconds, "store.inbox.ttlSeconds (INBOX_TTL_SECONDS)");
    requirePositive(inboxMaxUsers, "store.inbox.maxUsers (INBOX_MAX_USERS)");
    requirePositive(inboxMaxMemoryMb, "store.inbox.maxMemoryMb (INBOX_MAX_MEMORY_MB)");
    requirePositive(historyMaxEvents, "session.history.maxEvents (HISTORY_MAX_EVENTS)");
    requirePositive(historyMaxAgeSeconds, "session.history.maxAgeSeconds (HISTORY_MAX_AGE_SECONDS)");
  }

  private static void requirePositive(long value, String setting) {
    if (value < 1) {
      throw new IllegalArgumentException(setting + " must be positive, was " + value);
    }
  }

  /** From the whole node config. */
  public static StoreSettings from(JsonObject config) {
    JsonObject store = config.getJsonObject("store", new JsonObject());
    JsonObject inbox = store.getJsonObject("inbox", new JsonObject());
    JsonObject history = config.getJsonObject("session", new JsonObject()).getJsonObject("history", new JsonObject());
    String url = store.getString("redisUrl");
    return new StoreSettings(
      url == null || url.isBlank() ? null : RedisSettings.from(url.trim(), store.getJsonObject("redis", new JsonObject())),
      store.getInteger("maxValueBytes", DEFAULT_MAX_VALUE_BYTES),
      store.getInteger("maxItemsPerOwner", DEFAULT_MAX_ITEMS_PER_OWNER),
      inbox.getInteger("maxPerUser", DEFAULT_INBOX_MAX_PER_USER),
      inbox.getLong("ttlSeconds", DEFAULT_INBOX_TTL_SECONDS),
      inbox.getInteger("maxUsers", DEFAULT_INBOX_MAX_USERS),
      inbox.getInteger("maxMemoryMb", DEFAULT_INBOX_MAX_MEMORY_MB),
      history.getInteger("maxEvents", DEFAULT_HISTORY_MAX_EVENTS),
      history.getLong("maxAgeSeconds", DEFAULT_HISTORY_MAX_AGE_SECONDS));
  }
}
