package dev.skillbus.ops;

import io.vertx.core.json.JsonObject;

/**
 * The operations part's settings, from its own config object; defaults named here once.
 * {@code nodeTimeoutMs}: how long a cluster-wide answer waits for each node before it reports the
 * node missing. {@code pageSize}/{@code maxPageSize}: listings' default and largest {@code limit}.
 */
record OpsSettings(String nodeId, long nodeTimeoutMs, int pageSize, int maxPageSize) {

  static final long DEFAULT_NODE_TIMEOUT_MS = 2000;
  static final int DEFAULT_PAGE_SIZE = 50;
  static final int DEFAULT_MAX_PAGE_SIZE = 500;

  static OpsSettings from(JsonObject config) {
    int max = config.getInteger("maxPageSize", DEFAULT_MAX_PAGE_SIZE);
    // A page size left at its default follows a smaller maximum; one given above it is refused.
    OpsSettings settings = new OpsSettings(
      config.getString("nodeId", "local"),
      config.getLong("nodeTimeoutMs", DEFAULT_NODE_TIMEOUT_MS),
      config.getInteger("pageSize", Math.min(DEFAULT_PAGE_SIZE, max)),
      max);
    if (settings.pageSize() > settings.maxPageSize()) {
      throw new IllegalStateException("ops.pageSize (OPS_PAGE_SIZE, " + settings.pageSize() + ") must not be above"
        + " ops.maxPageSize (OPS_MAX_PAGE_SIZE, " + settings.maxPageSize() + ")");
    }
    return settings;
  }
}
