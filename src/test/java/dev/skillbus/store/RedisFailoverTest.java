package dev.skillbus.store;

import static dev.skillbus.store.StoreAssertions.assertRefused;
import static dev.skillbus.store.StoreAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.testing.Eventually;
import dev.skillbus.testing.TcpProxy;
import dev.skillbus.testing.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redis answers but cannot take writes: a primary demoted to a replica by a failover, or out of
 * memory. The store says 503 (try again) and the node's health says down while it lasts.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("The link to a Redis that answers but cannot take writes")
class RedisFailoverTest {

  private static final int PROXY_PORT = 6019;
  /** Nothing listens here: a replica of it stays a replica that never loads a dataset. */
  private static final String NOWHERE_PORT = "6009";

  @RegisterExtension
  static final TestRedis PRIMARY = new TestRedis(6017);
  @RegisterExtension
  static final TestRedis OTHER = new TestRedis(6018);

  private RedisLink link;

  @AfterEach
  void restore(Vertx vertx) {
    if (link != null) {
      await(link.close());
    }
    await(redis(vertx, PRIMARY, Request.cmd(Command.REPLICAOF).arg("NO").arg("ONE")));
    await(redis(vertx, PRIMARY, Request.cmd(Command.CONFIG).arg("SET").arg("maxmemory").arg("0")));
  }

  private static Future<Void> redis(Vertx vertx, TestRedis server, Request request) {
    return server.command(vertx, server.url(), request).mapEmpty();
  }

  private RedisLink started(Vertx vertx, String url) {
    link = new RedisLink(vertx, TestRedis.settings(url));
    await(link.start());
    return link;
  }

  private static Future<Boolean> succeeds(Future<?> operation) {
    return operation.transform(ar -> Future.succeededFuture(ar.succeeded()));
  }

  private void awaitUp(Vertx vertx, boolean up) {
    await(Eventually.holds(vertx, 50, 10_000, () -> Future.succeededFuture(link.up() == up)));
  }

  @Test
  @DisplayName("a primary demoted to a replica (READONLY): writes fail with 503, health is down while it lasts, and all is back once it is a primary again")
  void demotedPrimary(Vertx vertx) {
    started(vertx, PRIMARY.url());
    DocumentStore docs = new RedisDocumentStore(link, 1024);
    RoomHistory history = new RedisRoomHistory(link, 100, 3600, Clock.systemUTC());
    await(history.append("failover", "message", new JsonObject()));

    await(redis(vertx, PRIMARY, Request.cmd(Command.REPLICAOF).arg("127.0.0.1").arg(NOWHERE_PORT)));
    assertRefused(history.append("failover", "message", new JsonObject()), ErrorCode.UNAVAILABLE);
    assertRefused(docs.put("session", "s1", new JsonObject(), null), ErrorCode.UNAVAILABLE);
    awaitUp(vertx, false);
    assertThat(link.toJson().getString("redis")).isEqualTo("down");
    assertRefused(docs.get("session", "s1"), ErrorCode.UNAVAILABLE);
    RedisLink starting = new RedisLink(vertx, TestRedis.settings(PRIMARY.url()));
    await(starting.start());
    assertThat(starting.up()).as("a node that starts on a replica").isFalse();
    await(starting.close());

    await(redis(vertx, PRIMARY, Request.cmd(Command.REPLICAOF).arg("NO").arg("ONE")));
    awaitUp(vertx, true);
    assertThat(await(history.append("failover", "message", new JsonObject())).getLong("seq")).isPositive();
    assertThat(await(docs.put("session", "s1", new JsonObject().put("n", 1), null)).version()).isEqualTo(1);
  }

  @Test
  @DisplayName("after a failover that moves Redis's address, the connections to the old primary are dropped and the next commands reach the new one")
  void addressMoved(Vertx vertx) {
    TcpProxy proxy = await(TcpProxy.start(vertx, PROXY_PORT, 6017));
    started(vertx, "redis://127.0.0.1:" + PROXY_PORT);
    DocumentStore docs = new RedisDocumentStore(link, 1024);
    await(docs.put("session", "before", new JsonObject(), null));

    proxy.target(6018);
    await(redis(vertx, PRIMARY, Request.cmd(Command.REPLICAOF).arg("127.0.0.1").arg("6018")));
    await(Eventually.holds(vertx, 50, 10_000, () -> succeeds(docs.put("session", "after", new JsonObject(), null))));
    String key = "test:doc:session:after";
    assertThat(await(OTHER.command(vertx, OTHER.url(), Request.cmd(Command.EXISTS).arg(key))).toInteger()).isEqualTo(1);
    assertThat(link.up()).isTrue();
    await(proxy.close());
  }

  @Test
  @DisplayName("out of memory (OOM): writes fail with 503 and health is down until memory is freed; a command's own failure keeps its code")
  void outOfMemory(Vertx vertx) {
    started(vertx, PRIMARY.url());
    DocumentStore docs = new RedisDocumentStore(link, 1024);
    await(docs.put("session", "oom", new JsonObject(), null));
    assertRefused(docs.put("session", "oom", new JsonObject(), 7L), ErrorCode.CONFLICT);
    await(redis(vertx, PRIMARY, Request.cmd(Command.SET).arg("test:items:notes:typed").arg("not a list")));
    assertRefused(new RedisListStore(link, 1024, 10).list("notes", "typed", ListQuery.page(0, 1)), ErrorCode.INTERNAL);
    assertThat(link.up()).as("a wrong type is the command's failure, not Redis's").isTrue();

    await(redis(vertx, PRIMARY, Request.cmd(Command.CONFIG).arg("SET").arg("maxmemory").arg("1")));
    assertRefused(docs.put("session", "oom", new JsonObject(), null), ErrorCode.UNAVAILABLE);
    awaitUp(vertx, false);

    await(redis(vertx, PRIMARY, Request.cmd(Command.CONFIG).arg("SET").arg("maxmemory").arg("0")));
    awaitUp(vertx, true);
    assertThat(await(docs.put("session", "oom", new JsonObject(), null)).version()).isEqualTo(2);
  }
}
