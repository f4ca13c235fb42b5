package dev.skillbus.store;

import dev.skillbus.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's one Redis client and what it knows of Redis's health. It pings Redis every
 * {@code pingIntervalMs}; once a ping fails, Redis is "down": every command fails at once with 503
 * (nothing waits on a dead server), and Redis is pinged again after 100 ms, 200 ms, … up to
 * {@code reconnectMaxMs} until it answers, when commands go through again. A command that fails
 * for another reason than a Redis error reply triggers a ping at once.
 */
public final class RedisLink implements StoreHealth {

  private static final Logger LOG = LoggerFactory.getLogger(RedisLink.class);
  private static final long FIRST_RETRY_MS = 100;

  private final Vertx vertx;
  private final RedisSettings settings;
  private final Redis client;
  private final CommandTimer commandTimer;
  /** Optimistic until the first ping says otherwise: commands are tried rather than refused. */
  private volatile boolean up = true;
  private boolean checking;
  private boolean closed;
  private long timer = -1;
  private long retryMs = FIRST_RETRY_MS;

  public RedisLink(Vertx vertx, RedisSettings settings) {
    this(vertx, settings, CommandTimer.NONE);
  }

  /** A link that tells {@code timer} how long each command took, failed ones included. */
  public RedisLink(Vertx vertx, RedisSettings settings, CommandTimer timer) {
    this.vertx = vertx;
    this.settings = settings;
    this.client = Redis.createClient(vertx, settings.options());
    this.commandTimer = timer;
  }

  /** Pings Redis once and starts watching it; completes after that first ping, up or down. */
  public Future<Void> start() {
    return check();
  }

  /** Sends a command; fails with 503 at once while Redis is down. */
  public Future<Response> send(Request request) {
    if (!up) {
      return Future.failedFuture(unavailable());
    }
    long start = System.nanoTime();
    return client.send(request).timeout(settings.commandTimeoutMs(), TimeUnit.MILLISECONDS)
      .onComplete(ar -> commandTimer.record(System.nanoTime() - start, ar.succeeded()))
      .recover(this::failed);
  }

  /** Runs a script with string keys and binary-safe arguments. */
  public Future<Response> eval(RedisScript script, List<String> keys, List<Buffer> args) {
    return send(scriptRequest(Command.EVALSHA, script.sha(), keys, args)).recover(err ->
      err.getMessage() != null && err.getMessage().startsWith("NOSCRIPT")
        ? send(scriptRequest(Command.EVAL, script.source(), keys, args))
        : Future.failedFuture(err));
  }

  private static Request scriptRequest(Command command, String script, List<String> keys, List<Buffer> args) {
    Request request = Request.cmd(command).arg(script).arg(keys.size());
    keys.forEach(request::arg);
    args.forEach(request::arg);
    return request;
  }

  /**
   * A Redis error reply is the command's own failure; anything else may be Redis going away. The
   * client reports a connection that closed under a command as an error "reply" of its own
   * ({@code CONNECTION_CLOSED}): that is Redis going away too.
   */
  private Future<Response> failed(Throwable err) {
    String message = String.valueOf(err.getMessage());
    if (err instanceof Response && !message.startsWith("LOADING") && !message.startsWith("CONNECTION_CLOSED")) {
      return Future.failedFuture(err);
    }
    LOG.debug("Redis command failed: {}", err.toString());
    checkSoon(0);
    return Future.failedFuture(unavailable());
  }

  private static RuntimeException unavailable() {
    return ErrorCode.UNAVAILABLE.exception("the store is unavailable, try again later");
  }

  private synchronized void checkSoon(long delayMs) {
    if (closed || checking) {
      return;
    }
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    timer = vertx.setTimer(Math.max(1, delayMs), id -> check());
  }

  private Future<Void> check() {
    synchronized (this) {
      timer = -1;
      checking = true;
    }
    return client.send(Request.cmd(Command.PING)).timeout(settings.commandTimeoutMs(), TimeUnit.MILLISECONDS)
      .transform(ar -> {
        long next = ar.succeeded() ? markUp() : markDown(ar.cause());
        synchronized (this) {
          checking = false;
        }
        checkSoon(next);
        return Future.succeededFuture();
      });
  }

  private synchronized long markUp() {
    if (!up) {
      LOG.info("Redis at {} is up", settings.safeUrl());
    }
    up = true;
    retryMs = FIRST_RETRY_MS;
    return settings.pingIntervalMs();
  }

  private synchronized long markDown(Throwable cause) {
    if (up) {
      LOG.error("Redis at {} is down ({}): durable operations fail with 503 until it is back", settings.safeUrl(),
        cause.toString());
    }
    up = false;
    long delay = retryMs;
    retryMs = Math.min(retryMs * 2, settings.reconnectMaxMs());
    return delay;
  }

  /** Stops watching and closes the client's connections. */
  public Future<Void> close() {
    synchronized (this) {
      closed = true;
      up = false;
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
    }
    return client.close();
  }

  String key(String... parts) {
    return settings.keyPrefix() + String.join(":", parts);
  }

  @Override
  public String type() {
    return "redis";
  }

  @Override
  public boolean up() {
    return up;
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject().put("type", type()).put("redis", up ? "up" : "down");
  }
}
