package dev.skillbus.testing;

import dev.skillbus.store.RedisLink;
import dev.skillbus.store.RedisSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.embedded.RedisServer;

/**
 * A real Redis server for tests (the redis-server binary shipped by embedded-redis), on loopback at
 * a port of the test class's own. It keeps an append-only file in a directory of its own, so that a
 * {@link #stop()} and {@link #start()} in the middle of a test keep what was written, as a Redis
 * with persistence does. As a static {@code @RegisterExtension} field it runs for its test class,
 * the {@code @Nested} classes in it included; declared in a base class, it runs for each of the
 * subclasses in turn, each time from empty.
 */
public final class TestRedis implements BeforeAllCallback, AfterAllCallback {

  private final int port;
  private final String password;
  private final Path dir;
  private RedisServer server;

  public TestRedis(int port) {
    this(port, null);
  }

  public TestRedis(int port, String password) {
    this.port = port;
    this.password = password;
    try {
      this.dir = Files.createTempDirectory("skillbus-redis-" + port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public synchronized TestRedis start() throws IOException {
    Files.createDirectories(dir); // again after a close(), which deleted it
    if (server == null) {
      server = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
        .setting("dir " + dir).setting("appendonly yes").setting("appendfsync no").setting("save \"\"")
        .settingIf(password != null, "requirepass " + password)
        .onShutdownForceStop(true).build();
    }
    server.start();
    return this;
  }

  /**
   * Stops the server (its process is killed): what it wrote is on disk for {@link #start()}. Returns
   * once its port takes no more connections, so that a server started next on the port (this test
   * class's again, or the next class's) can listen there: the kill is not waited for otherwise.
   */
  public synchronized void stop() throws IOException {
    server.stop();
    awaitPortClosed();
  }

  /** Stops the server and deletes its files. */
  public synchronized void close() throws IOException {
    if (server != null && server.isActive()) {
      stop();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private void awaitPortClosed() throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
      } catch (IOException refused) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("the Redis server on port " + port + " still takes connections 10 s after it was stopped");
      }
      Thread.onSpinWait();
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    if (!nested(context)) {
      start();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (!nested(context)) {
      close();
    }
  }

  /** A nested class runs inside its outer class, whose server serves it. */
  private static boolean nested(ExtensionContext context) {
    return context.getRequiredTestClass().isAnnotationPresent(Nested.class);
  }

  public String url() {
    return "redis://" + (password == null ? "" : ":" + password + "@") + "127.0.0.1:" + port;
  }

  /** A node's {@code store} config for this server: quick pings and retries, keys under {@code prefix}. */
  public JsonObject storeConfig(String prefix) {
    return new JsonObject().put("redisUrl", url()).put("redis", new JsonObject().put("keyPrefix", prefix)
      .put("commandTimeoutMs", 1000).put("pingIntervalMs", 200).put("reconnectMaxMs", 400));
  }

  /** A link to this server with quick pings and retries, as the tests want them. */
  public RedisLink link(Vertx vertx) {
    return link(vertx, "test:");
  }

  /** As {@link #link(Vertx)}, with keys under {@code keyPrefix}: a test's own, when keys are shared by all of a kind. */
  public RedisLink link(Vertx vertx, String keyPrefix) {
    return new RedisLink(vertx, settings(url(), keyPrefix));
  }

  public static RedisSettings settings(String url) {
    return settings(url, "test:");
  }

  private static RedisSettings settings(String url, String keyPrefix) {
    return new RedisSettings(url, keyPrefix, 1000, 200, 400, 4);
  }

  /**
   * Whether the time in ms that field {@code field} of hash {@code key} holds has come on Redis's
   * own clock (false while there is no such field): for waiting on what the store times by it.
   */
  public Future<Boolean> timeHasCome(Vertx vertx, String key, String field) {
    String script = "local at = redis.call('HGET', KEYS[1], ARGV[1]) local t = redis.call('TIME') "
      + "return (at and tonumber(at) <= tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)) and 1 or 0";
    return command(vertx, url(), Request.cmd(Command.EVAL).arg(script).arg(1).arg(key).arg(field))
      .map(r -> r.toInteger() == 1);
  }

  /** How many bytes this server has sent to its clients since it started ({@code total_net_output_bytes}). */
  public Future<Long> bytesSent(Vertx vertx) {
    return command(vertx, url(), Request.cmd(Command.INFO).arg("stats")).map(stats -> stats.toString().lines()
      .filter(line -> line.startsWith("total_net_output_bytes:"))
      .mapToLong(line -> Long.parseLong(line.substring(line.indexOf(':') + 1).trim()))
      .findFirst().orElseThrow());
  }

  /** One command on a client of its own, for looking at what the store wrote. */
  public Future<Response> command(Vertx vertx, String url, Request request) {
    Redis client = Redis.createClient(vertx, url);
    return client.send(request).eventually(client::close);
  }
}
