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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's one Redis client and what it knows of Redis's health. It probes Redis every
 * {@code pingIntervalMs} with a small write ({@code SET <prefix>probe}), so that a Redis that
 * answers but cannot take writes (a replica after a failover, out of memory, …) counts as down, as
 * one that does not answer does. Once a probe fails, Redis is "down": every command fails at once
 * with 503 (nothing waits on a dead server), and Redis is probed again after 100 ms, 200 ms, … up
 * to {@code reconnectMaxMs} until it takes the write, when commands go through again. A command
 * that fails for another reason than its own error reply (see {@link ErrorReplies}) fails with 503
 * and triggers a probe at once. A reply from a replica closes the client's connections and opens
 * new ones, so that after a failover that moved Redis's address they reach the new primary; so
 * does a probe that got no answer in time, since its connection may hang for good (a host that
 * died does not close its connections) and a pool whose every connection hangs sends nothing more.
 */
public final class RedisLink implements StoreHealth {

  private static final Logger LOG = LoggerFactory.getLogger(RedisLink.class);
  private static final long FIRST_RETRY_MS = 100;
  /** The probe key outlives a stopped cluster by this much at most. */
  private static final String PROBE_TTL_MS = "60000";
  /** How long a replaced client's connections stay open for what is under way on them. */
  static final long RENEWED_CLOSE_MS = 30_000;
  /** The failure of a command not sent because Redis is down (one instance: see {@link #notSent}). */
  private static final RuntimeException NOT_SENT = ErrorCode.UNAVAILABLE.exception("the store is unavailable, try again later");

  private final Vertx vertx;
  private final RedisSettings settings;
  private volatile Redis client;
  /** Clients replaced by a new one whose connections are not closed yet (see {@link #renew}). */
  private final Set<Redis> replaced = ConcurrentHashMap.newKeySet();
  private final CommandTimer commandTimer;
  /** Optimistic until the first probe says otherwise: commands are tried rather than refused. */
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

  /** Probes Redis once and starts watching it; completes after that first probe, up or down. */
  public Future<Void> start() {
    return check();
  }

  /** Sends a command; fails with 503 at once while Redis is down (with {@link #notSent} true). */
  public Future<Response> send(Request request) {
    if (!up) {
      return Future.failedFuture(NOT_SENT);
    }
    long start = System.nanoTime();
    Redis used = client;
    return used.send(request).timeout(settings.commandTimeoutMs(), TimeUnit.MILLISECONDS)
      .onComplete(ar -> commandTimer.record(System.nanoTime() - start, ar.succeeded()))
      .recover(err -> failed(err, used));
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
   * A command's own error reply is its failure; anything else may be Redis going away or unable to
   * serve: the caller gets 503 and Redis is probed at once. The client reports a connection that
   * closed under a command as an error "reply" of its own ({@code CONNECTION_CLOSED}): that is Redis
   * going away too.
   */
  private Future<Response> failed(Throwable err, Redis used) {
    if (ErrorReplies.commandFailure(err)) {
      return Future.failedFuture(err);
    }
    LOG.debug("Redis command failed: {}", err.toString());
    if (ErrorReplies.fromReplica(err)) {
      reconnect(used, err);
    }
    checkSoon(0);
    return Future.failedFuture(unavailable());
  }

  /**
   * Replaces {@code used}, the client whose connection reached a replica, with a new one, unless
   * that was done already (see {@link #renew}).
   */
  private void reconnect(Redis used, Throwable cause) {
    if (renew(used) && up) {
      LOG.warn("Redis at {} answered as a replica ({}): closing its connections and opening new ones",
        settings.safeUrl(), cause.getMessage());
    }
  }

  /**
   * Replaces {@code used} with a new client, unless that was done already, and closes it
   * {@link #RENEWED_CLOSE_MS} later: commands under way on it are still made and answered meanwhile
   * if Redis was only slow or paused (a failover pauses writes), and what still hangs or waits for a
   * connection then fails (503). True when it was replaced here.
   */
  private boolean renew(Redis used) {
    synchronized (this) {
      if (closed || used != client) {
        return false;
      }
      client = Redis.createClient(vertx, settings.options());
    }
    replaced.add(used);
    vertx.setTimer(RENEWED_CLOSE_MS, id -> {
      if (replaced.remove(used)) {
        used.close();
      }
    });
    return true;
  }

  /**
   * Whether a store failure is one that sent nothing to Redis (it was down): the write was surely not
   * made, unlike one that timed out or failed on its way, which may have been.
   */
  public static boolean notSent(Throwable failure) {
    return failure == NOT_SENT;
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
    Redis used = client;
    return used.send(probe()).timeout(settings.commandTimeoutMs(), TimeUnit.MILLISECONDS)
      .transform(ar -> {
        // A command's reply from a replica replaced the client under the probe: probe the new one.
        boolean replaced = used != client;
        if (ar.failed() && ErrorReplies.fromReplica(ar.cause())) {
          reconnect(used, ar.cause());
        } else if (ar.failed() && ar.cause() instanceof TimeoutException) {
          // No answer: the probe's connection may hang for good (its host died without closing
          // it), and with every pooled connection hanging nothing more would be sent: start over.
          renew(used);
        }
        long next = ar.succeeded() ? markUp() : replaced ? 0 : markDown(ar.cause());
        synchronized (this) {
          checking = false;
        }
        checkSoon(next);
        return Future.succeededFuture();
      });
  }

  /** A write that Redis takes only when it can take the store's writes. */
  private Request probe() {
    return Request.cmd(Command.SET).arg(key("probe")).arg("1").arg("PX").arg(PROBE_TTL_MS);
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
    Redis last;
    synchronized (this) {
      closed = true;
      up = false;
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
      last = client;
    }
    List<Future<Void>> closing = new ArrayList<>();
    closing.add(last.close());
    for (Redis old : List.copyOf(replaced)) {
      if (replaced.remove(old)) {
        closing.add(old.close());
      }
    }
    return Future.join(closing).mapEmpty();
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
