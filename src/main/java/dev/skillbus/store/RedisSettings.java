package dev.skillbus.store;

import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.RedisOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/**
 * How to reach Redis: {@code url} is {@code redis://[[user]:password@]host[:port][/db]}, or {@code
 * rediss://…} for TLS. The other settings come from the {@code store.redis} config object; defaults
 * are named here once.
 */
public record RedisSettings(String url, String keyPrefix, long commandTimeoutMs, long pingIntervalMs,
                            long reconnectMaxMs, int maxPoolSize) {

  static final String DEFAULT_KEY_PREFIX = "skillbus:";
  static final long DEFAULT_COMMAND_TIMEOUT_MS = 2000;
  static final long DEFAULT_PING_INTERVAL_MS = 1000;
  static final long DEFAULT_RECONNECT_MAX_MS = 5000;
  static final int DEFAULT_MAX_POOL_SIZE = 16;
  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_.:-]{0,64}");
  private static final Pattern DATABASE = Pattern.compile("(/[0-9]{0,9})?");

  public RedisSettings {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      // The parser's message holds the whole URL, password included: never in a log.
      throw new IllegalArgumentException("REDIS_URL is not a valid URL (" + e.getReason() + " at index " + e.getIndex()
        + "; a password with characters such as { } ^ % | or a space must be percent-encoded): " + safe(url));
    }
    if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("REDIS_URL must look like redis://[:password@]host:port[/db], was " + safe(url));
    }
    if (uri.getPort() == 0 || uri.getPort() > 65535) {
      throw new IllegalArgumentException("REDIS_URL's port must be 1 to 65535, was " + safe(url));
    }
    if (uri.getPath() != null && !DATABASE.matcher(uri.getPath()).matches()) {
      throw new IllegalArgumentException("REDIS_URL's database, after the port, must be a number such as /0, was " + safe(url));
    }
    if (!PREFIX.matcher(keyPrefix).matches()) {
      throw new IllegalArgumentException("store.redis.keyPrefix must match " + PREFIX.pattern());
    }
  }

  static RedisSettings from(String url, JsonObject redis) {
    return new RedisSettings(url,
      redis.getString("keyPrefix", DEFAULT_KEY_PREFIX),
      redis.getLong("commandTimeoutMs", DEFAULT_COMMAND_TIMEOUT_MS),
      redis.getLong("pingIntervalMs", DEFAULT_PING_INTERVAL_MS),
      redis.getLong("reconnectMaxMs", DEFAULT_RECONNECT_MAX_MS),
      redis.getInteger("maxPoolSize", DEFAULT_MAX_POOL_SIZE));
  }

  /**
   * The client's options: password and database index come from the URL. With {@code rediss://} the
   * client speaks TLS, trusts what the JVM trusts (its own CA certificates, or a trust store named
   * with {@code -Djavax.net.ssl.trustStore}), and checks that the certificate names the URL's host.
   */
  RedisOptions options() {
    return new RedisOptions()
      .setConnectionString(url)
      .setMaxPoolSize(maxPoolSize)
      .setMaxPoolWaiting(4096)
      .setMaxWaitingHandlers(4096)
      .setPreferredProtocolVersion(ProtocolVersion.RESP2)
      .setNetClientOptions(new NetClientOptions().setConnectTimeout((int) commandTimeoutMs).setTcpNoDelay(true)
        .setHostnameVerificationAlgorithm("HTTPS"));
  }

  /**
   * Which data this node reaches: scheme, host, port, database and key prefix, no credentials.
   * Nodes that do not say the same keep different data.
   */
  public String target() {
    URI uri = URI.create(url);
    String path = uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/") ? "/0" : uri.getPath();
    return uri.getScheme() + "://" + uri.getHost() + ":" + (uri.getPort() < 0 ? 6379 : uri.getPort()) + path
      + " (key prefix " + keyPrefix + ")";
  }

  /** The URL without its password, for logs. */
  String safeUrl() {
    return safe(url);
  }

  private static String safe(String url) {
    return url == null ? null : url.replaceAll("//.*@", "//***@");
  }
}
