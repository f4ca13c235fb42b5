package dev.skillbus.coaching;

import io.vertx.core.json.JsonObject;

/** The coaching verticle's configuration, read from its own config object; defaults named here once. */
public record CoachingSettings(int pageSize, int maxPageSize, long deliveryTimeoutMs) {

  static final int DEFAULT_PAGE_SIZE = 20;
  static final int DEFAULT_MAX_PAGE_SIZE = 100;
  /** Short enough that a notification for a user whose node hangs is queued within the bridge's request timeout. */
  public static final long DEFAULT_DELIVERY_TIMEOUT_MS = 3000;

  static CoachingSettings from(JsonObject config) {
    int max = Math.max(1, config.getInteger("maxPageSize", DEFAULT_MAX_PAGE_SIZE));
    // A page size left at its default follows a smaller maximum; one given above it is refused.
    int size = Math.max(1, config.getInteger("pageSize", Math.min(DEFAULT_PAGE_SIZE, max)));
    if (size > max) {
      throw new IllegalStateException("coaching.pageSize (COACHING_PAGE_SIZE, " + size + ") must not be above"
        + " coaching.maxPageSize (COACHING_MAX_PAGE_SIZE, " + max + ")");
    }
    long delivery = Math.max(1, config.getLong("deliveryTimeoutMs", DEFAULT_DELIVERY_TIMEOUT_MS));
    return new CoachingSettings(size, max, delivery);
  }
}
