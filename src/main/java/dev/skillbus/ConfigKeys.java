package dev.skillbus;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The settings {@link Config} knows by name: the environment variable that overrides each (the
 * README's configuration table lists the same), and the bounds a numeric setting is checked
 * against when a node starts.
 */
final class ConfigKeys {

  enum Type { STRING, INT, BOOLEAN, LIST }

  /** An environment variable and the config key (dotted path) it overrides. */
  record Override(String env, String path, Type type) {
  }

  /** Every environment override; the README's configuration table lists the same. */
  static final List<Override> OVERRIDES = List.of(
    new Override("HTTP_HOST", "bridge.host", Type.STRING),
    new Override("HTTP_PORT", "bridge.port", Type.INT),
    new Override("SKILLBUS_DEV", "bridge.dev", Type.BOOLEAN),
    new Override("JWT_SECRET", "bridge.auth.secret", Type.STRING),
    new Override("TOKEN_TTL_SECONDS", "bridge.auth.tokenTtlSeconds", Type.INT),
    new Override("JWT_LEEWAY_SECONDS", "bridge.auth.leewaySeconds", Type.INT),
    new Override("JWT_ISSUER", "bridge.auth.issuer", Type.STRING),
    new Override("JWT_AUDIENCE", "bridge.auth.audience", Type.STRING),
    new Override("SKILLBUS_ADMIN_KEY", "bridge.auth.adminKey", Type.STRING),
    new Override("SOCKET_CORS_ORIGIN", "bridge.cors.origins", Type.LIST),
    new Override("SOCKET_PING_TIMEOUT", "bridge.pingTimeoutMs", Type.INT),
    new Override("SOCKET_PING_INTERVAL", "bridge.pingIntervalMs", Type.INT),
    new Override("SOCKET_AUTH_TIMEOUT", "bridge.authTimeoutMs", Type.INT),
    new Override("MAX_FRAME_BYTES", "bridge.maxFrameBytes", Type.INT),
    new Override("RATE_LIMIT_PER_SECOND", "bridge.rateLimit.perSecond", Type.INT),
    new Override("RATE_LIMIT_BURST", "bridge.rateLimit.burst", Type.INT),
    new Override("MAX_HANDLERS_PER_SOCKET", "bridge.maxHandlersPerSocket", Type.INT),
    new Override("REQUEST_TIMEOUT_MS", "bridge.requestTimeoutMs", Type.INT),
    new Override("FLUSH_DELAY_MICROS", "bridge.flushDelayMicros", Type.INT),
    new Override("TRANSPORT", "cluster.transport", Type.STRING),
    new Override("CURSOR_MAX_PER_SECOND", "session.cursorMaxPerSecond", Type.INT),
    new Override("HISTORY_MAX_EVENTS", "session.history.maxEvents", Type.INT),
    new Override("HISTORY_MAX_AGE_SECONDS", "session.history.maxAgeSeconds", Type.INT),
    new Override("HISTORY_PAGE_MAX_EVENTS", "session.history.pageMaxEvents", Type.INT),
    new Override("HISTORY_PAGE_MAX_BYTES", "session.history.pageMaxBytes", Type.INT),
    new Override("ROOM_IDLE_SECONDS", "session.roomIdleSeconds", Type.INT),
    new Override("MAX_ROOMS_PER_CONNECTION", "session.maxRoomsPerConnection", Type.INT),
    new Override("REDIS_URL", "store.redisUrl", Type.STRING),
    new Override("REDIS_KEY_PREFIX", "store.redis.keyPrefix", Type.STRING),
    new Override("REDIS_TIMEOUT_MS", "store.redis.commandTimeoutMs", Type.INT),
    new Override("STORE_MAX_VALUE_BYTES", "store.maxValueBytes", Type.INT),
    new Override("STORE_MAX_ITEMS_PER_OWNER", "store.maxItemsPerOwner", Type.INT),
    new Override("INBOX_MAX_PER_USER", "store.inbox.maxPerUser", Type.INT),
    new Override("INBOX_TTL_SECONDS", "store.inbox.ttlSeconds", Type.INT),
    new Override("INBOX_MAX_USERS", "store.inbox.maxUsers", Type.INT),
    new Override("INBOX_MAX_MEMORY_MB", "store.inbox.maxMemoryMb", Type.INT),
    new Override("COACHING_PAGE_SIZE", "coaching.pageSize", Type.INT),
    new Override("COACHING_MAX_PAGE_SIZE", "coaching.maxPageSize", Type.INT),
    new Override("NOTIFY_DELIVERY_TIMEOUT_MS", "coaching.deliveryTimeoutMs", Type.INT),
    // Course generation and AI requests
    new Override("COURSE_GENERATOR", "course.generator", Type.STRING),
    new Override("COURSE_TIME_LIMIT_SECONDS", "course.timeLimitSeconds", Type.INT),
    new Override("COURSE_MAX_JOBS_PER_USER", "course.maxJobsPerUser", Type.INT),
    new Override("COURSE_MAX_JOBS_PER_NODE", "course.maxJobsPerNode", Type.INT),
    new Override("COURSE_SESSION_TTL_SECONDS", "course.sessionTtlSeconds", Type.INT),
    new Override("COURSE_TEMPLATE_PACE_MS", "course.template.paceMs", Type.INT),
    new Override("OPENAI_BASE_URL", "course.openai.baseUrl", Type.STRING),
    new Override("OPENAI_MODEL", "course.openai.model", Type.STRING),
    new Override("OPENAI_API_KEY", "course.openai.apiKey", Type.STRING),
    new Override("OPENAI_TIMEOUT_MS", "course.openai.timeoutMs", Type.INT),
    new Override("AI_TIME_LIMIT_SECONDS", "course.ai.timeLimitSeconds", Type.INT),
    new Override("AI_MAX_CONCURRENT_PER_NODE", "course.ai.maxConcurrentPerNode", Type.INT),
    // Operations and metrics
    new Override("OPS_NODE_TIMEOUT_MS", "ops.nodeTimeoutMs", Type.INT),
    new Override("OPS_PAGE_SIZE", "ops.pageSize", Type.INT),
    new Override("OPS_MAX_PAGE_SIZE", "ops.maxPageSize", Type.INT),
    new Override("METRICS_VERTX", "metrics.vertx", Type.BOOLEAN),
    new Override("CLUSTER_NAME", "cluster.name", Type.STRING),
    new Override("CLUSTER_HOST", "cluster.host", Type.STRING),
    new Override("CLUSTER_PORT", "cluster.port", Type.INT),
    new Override("CLUSTER_MEMBERS", "cluster.members", Type.LIST),
    new Override("CLUSTER_FILE", "cluster.file", Type.STRING),
    new Override("EVENTBUS_PORT", "cluster.eventBusPort", Type.INT),
    new Override("CLUSTER_ALLOW_MEMORY_STORES", "cluster.allowMemoryStores", Type.BOOLEAN));

  /**
   * The least value of every numeric setting, the ones without an environment variable included;
   * one below it, or not an integer, stops the start with a message that names the setting. (The
   * code that reads a setting holds its default; some settings are checked further there.)
   */
  static final Map<String, Long> MINIMUMS = Map.ofEntries(
    Map.entry("bridge.port", 0L),
    Map.entry("bridge.auth.tokenTtlSeconds", 1L),
    Map.entry("bridge.auth.leewaySeconds", 0L),
    Map.entry("bridge.pingTimeoutMs", 1L),
    Map.entry("bridge.pingIntervalMs", 1L),
    Map.entry("bridge.authTimeoutMs", Long.MIN_VALUE),
    Map.entry("bridge.maxFrameBytes", 1L),
    Map.entry("bridge.rateLimit.perSecond", 1L),
    Map.entry("bridge.rateLimit.burst", 1L),
    Map.entry("bridge.rateLimit.closeAfterRefusals", 1L),
    Map.entry("bridge.maxHandlersPerSocket", 1L),
    Map.entry("bridge.requestTimeoutMs", 1L),
    Map.entry("bridge.slowSocketMaxBytes", 1L),
    Map.entry("bridge.replyBacklogMaxBytes", 1L),
    Map.entry("bridge.flushDelayMicros", 0L),
    Map.entry("session.cursorMaxPerSecond", 1L),
    Map.entry("session.maxRoomsPerConnection", 1L),
    Map.entry("session.joinTimeoutMs", 1L),
    Map.entry("session.history.maxEvents", 1L),
    Map.entry("session.history.maxAgeSeconds", 1L),
    Map.entry("session.history.pageMaxEvents", 1L),
    Map.entry("session.history.pageMaxBytes", 1L),
    Map.entry("session.roomIdleSeconds", 1L),
    Map.entry("session.sweepIntervalSeconds", 1L),
    Map.entry("session.cursorRecordMs", 1L),
    Map.entry("store.redis.commandTimeoutMs", 1L),
    Map.entry("store.redis.pingIntervalMs", 1L),
    Map.entry("store.redis.reconnectMaxMs", 1L),
    Map.entry("store.redis.maxPoolSize", 1L),
    Map.entry("store.maxValueBytes", 1L),
    Map.entry("store.maxItemsPerOwner", 1L),
    Map.entry("store.inbox.maxPerUser", 1L),
    Map.entry("store.inbox.ttlSeconds", 1L),
    Map.entry("store.inbox.maxUsers", 1L),
    Map.entry("store.inbox.maxMemoryMb", 1L),
    Map.entry("coaching.pageSize", 1L),
    Map.entry("coaching.maxPageSize", 1L),
    Map.entry("coaching.deliveryTimeoutMs", 1L),
    Map.entry("course.timeLimitSeconds", 1L),
    Map.entry("course.maxJobsPerUser", 1L),
    Map.entry("course.maxJobsPerNode", 1L),
    Map.entry("course.sessionTtlSeconds", 1L),
    Map.entry("course.sweepIntervalSeconds", 1L),
    Map.entry("course.maxTopicLength", 1L),
    Map.entry("course.template.paceMs", 0L),
    Map.entry("course.openai.timeoutMs", 1L),
    Map.entry("course.openai.maxAnswerChars", 1L),
    Map.entry("course.ai.maxConcurrentPerUser", 1L),
    Map.entry("course.ai.maxConcurrentPerNode", 1L),
    Map.entry("course.ai.timeLimitSeconds", 1L),
    Map.entry("ops.nodeTimeoutMs", 1L),
    Map.entry("ops.pageSize", 1L),
    Map.entry("ops.maxPageSize", 1L),
    Map.entry("cluster.port", 0L),
    Map.entry("cluster.eventBusPort", 0L));

  /**
   * The settings whose values a refusal does not repeat, since they are or may hold secrets (a
   * password in a URL): it says only what kind of value was given.
   */
  static final Set<String> SECRETS = Set.of("bridge.auth.secret", "bridge.auth.adminKey", "course.openai.apiKey",
    "course.openai.baseUrl", "store.redisUrl");

  /** The port settings, which must also be at most {@link #MAX_PORT}. */
  static final Set<String> PORTS = Set.of("bridge.port", "cluster.port", "cluster.eventBusPort");
  static final long MAX_PORT = 65_535;

  private ConfigKeys() {
  }
}
