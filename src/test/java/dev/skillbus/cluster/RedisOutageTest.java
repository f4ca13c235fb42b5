package dev.skillbus.cluster;

import static dev.skillbus.testing.Servers.await;
import static dev.skillbus.testing.Servers.member;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.Skillbus;
import dev.skillbus.protocol.Internal;
import dev.skillbus.testing.BridgeClient;
import dev.skillbus.testing.Eventually;
import dev.skillbus.testing.RestClient;
import dev.skillbus.testing.Servers;
import dev.skillbus.testing.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("A node whose Redis stops and starts again")
class RedisOutageTest {

  static final long REQUEST_TIMEOUT_MS = 10_000;
  static final int MAX_VALUE_BYTES = 4096;

  @RegisterExtension
  static final TestRedis REDIS = new TestRedis(6020);
  static Skillbus node;
  static Vertx vertx;

  @BeforeAll
  static void start() throws Exception {
    JsonObject config = Servers.config("redis-outage-test", 6021, 6021, 6021)
      .put("store", REDIS.storeConfig("outage-test:").put("maxValueBytes", MAX_VALUE_BYTES));
    config.getJsonObject("bridge").put("requestTimeoutMs", REQUEST_TIMEOUT_MS);
    node = Servers.start(config);
    vertx = node.node().vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close().await(30, TimeUnit.SECONDS);
  }

  static JsonObject say(String text) {
    return new JsonObject().put("sessionId", "outage").put("text", text);
  }

  static boolean healthIs(int status, String redis) throws Exception {
    Servers.Health health = await(Servers.health(node));
    return health.status() == status && redis.equals(health.body().getString("redis"));
  }

  @Test
  @DisplayName("answers durable requests with 503 at once, keeps volatile events flowing, then recovers losing nothing acknowledged")
  void survivesARedisRestart() throws Exception {
    BridgeClient ann = member(node, "ann", "outage");
    BridgeClient ben = member(node, "ben", "outage");
    Map<Long, String> acknowledged = new LinkedHashMap<>();
    for (String text : new String[] {"m1", "m2"}) {
      acknowledged.put(await(ann.call("session.message", say(text))).getLong("seq"), text);
    }
    String epoch = await(ann.call("session.history", new JsonObject().put("sessionId", "outage").put("since", 0))).getString("epoch");
    assertThat(healthIs(200, "UP")).isTrue();

    REDIS.stop();
    long sent = System.nanoTime();
    JsonObject refused = await(ann.request("session.message", say("lost")));
    long millis = (System.nanoTime() - sent) / 1_000_000;
    assertThat(refused.getString("type")).isEqualTo("err");
    assertThat(refused.getInteger("failureCode")).isEqualTo(503);
    assertThat(millis).isLessThan(REQUEST_TIMEOUT_MS / 4);
    await(Eventually.holds(vertx, 100, 10_000, () -> Servers.health(node)
      .map(h -> h.status() == 503 && "DOWN".equals(h.body().getString("redis")))));
    assertThat(await(Servers.health(node)).body().getString("status")).isEqualTo("DOWN");

    ben.send("session.cursor", new JsonObject().put("sessionId", "outage").put("line", 3).put("column", 7));
    assertThat(await(ann.event("room.outage", "cursor-moved")).getJsonObject("data").getString("userId")).isEqualTo("ben");
    ann.send("session.activity", new JsonObject().put("sessionId", "outage").put("isActive", false));
    assertThat(await(ben.event("room.outage", "user-activity-changed")).getJsonObject("data").getBoolean("isActive")).isFalse();
    JsonObject join = await(BridgeClient.connectAs(vertx, node.port(), "cat", "learner")
      .compose(cat -> cat.request("session.join", new JsonObject().put("sessionId", "outage"))));
    assertThat(join.getInteger("failureCode")).isEqualTo(503);

    REDIS.start();
    await(Eventually.holds(vertx, 100, 10_000, () -> Servers.health(node).map(h -> h.status() == 200)));
    assertThat(healthIs(200, "UP")).isTrue();
    acknowledged.put(await(ann.call("session.message", say("m3"))).getLong("seq"), "m3");
    JsonObject history = await(ben.call("session.history", new JsonObject().put("sessionId", "outage").put("since", 0)));
    assertThat(history.getString("epoch")).isEqualTo(epoch);
    Map<Long, String> stored = new LinkedHashMap<>();
    history.getJsonArray("events").stream().map(e -> (JsonObject) e)
      .filter(e -> "message".equals(e.getString("event")))
      .forEach(e -> stored.put(e.getLong("seq"), e.getJsonObject("data").getString("text")));
    assertThat(stored).containsAllEntriesOf(acknowledged).doesNotContainValue("lost");
    ann.close();
    ben.close();
  }

  @Test
  @DisplayName("announces a user who left while Redis was down once Redis is back, with the participants of then")
  void userLeftWhileDownIsAnnouncedAfter() throws Exception {
    BridgeClient dan = member(node, "dan", "outage-left");
    BridgeClient eve = member(node, "eve", "outage-left");
    BridgeClient fay = member(node, "fay", "outage-left");
    // Each member's own user-joined is in its join reply; what eve got since is claimed here.
    await(eve.event("room.outage-left", "user-joined"));
    REDIS.stop();
    await(Eventually.holds(vertx, 100, 10_000, () -> Servers.health(node).map(h -> h.status() == 503)));

    await(dan.close());
    // Dan's leave is made in the room's state before Fay's: their user-left events go in that order.
    await(Eventually.holds(vertx, 20, 10_000, () -> Internal.participants(vertx.eventBus(), "outage-left")
      .map(participants -> participants.stream().noneMatch(p -> "dan".equals(((JsonObject) p).getString("userId"))))));
    JsonObject refused = await(fay.request("session.leave", new JsonObject().put("sessionId", "outage-left")));
    assertThat(refused.getInteger("failureCode")).isEqualTo(503);
    assertThat(eve.unclaimedEvents("room.outage-left", "user-left")).isEmpty();
    // A join while Redis is down is answered 503 and taken back: nobody saw zed come, nobody is told he left.
    BridgeClient zed = await(BridgeClient.connectAs(vertx, node.port(), "zed", "learner"));
    zed.register("room.outage-left");
    assertThat(await(zed.request("session.join", new JsonObject().put("sessionId", "outage-left"))).getInteger("failureCode"))
      .isEqualTo(503);

    REDIS.start();
    JsonObject danLeft = await(eve.event("room.outage-left", "user-left"));
    JsonObject fayLeft = await(eve.event("room.outage-left", "user-left"));
    assertThat(danLeft.getJsonObject("data").getString("userId")).isEqualTo("dan");
    assertThat(fayLeft.getJsonObject("data").getString("userId")).isEqualTo("fay");
    assertThat(fayLeft.getLong("seq")).isEqualTo(danLeft.getLong("seq") + 1);
    for (JsonObject left : new JsonObject[] {danLeft, fayLeft}) {
      assertThat(left.getJsonObject("data").getJsonArray("participants").stream()
        .map(p -> ((JsonObject) p).getString("userId")).toList()).containsExactly("eve");
    }
    // The leave that answered 503 took effect: sent again it changes and announces nothing.
    await(fay.call("session.leave", new JsonObject().put("sessionId", "outage-left")));
    JsonObject history = await(eve.call("session.history", new JsonObject().put("sessionId", "outage-left")
      .put("since", danLeft.getLong("seq") - 1)));
    assertThat(history.getJsonArray("events").stream().map(e -> ((JsonObject) e).getString("event")).toList())
      .containsExactly("user-left", "user-left");
    eve.close();
    fay.close();
    zed.close();
  }

  @Test
  @DisplayName("a member of a room made private who leaves it while Redis is down (the leave is made, and answered 503) stops receiving it")
  void leavingAPrivateRoomWhileDown() throws Exception {
    BridgeClient gus = member(node, "gus", "outage-private");
    RestClient admin = await(RestClient.as(vertx, node.port(), "outage-admin", "admin"));
    JsonObject rule = new JsonObject().put("roomId", "outage-private").put("allowedUsers", new JsonArray().add("hal"));
    assertThat(await(admin.post("/socket/rooms", rule)).status()).isEqualTo(201);
    REDIS.stop();
    try {
      await(Eventually.holds(vertx, 100, 10_000, () -> Servers.health(node).map(h -> h.status() == 503)));
      JsonObject refused = await(gus.request("session.leave", new JsonObject().put("sessionId", "outage-private")));
      assertThat(refused.getInteger("failureCode")).isEqualTo(503);
      JsonObject revoked = await(gus.next(f -> "err".equals(f.getString("type")) && "room.outage-private".equals(f.getString("address"))));
      assertThat(revoked.getInteger("failureCode")).isEqualTo(403);
    } finally {
      REDIS.start();
    }
    await(Eventually.holds(vertx, 100, 10_000, () -> Servers.health(node).map(h -> h.status() == 200)));
    gus.close();
  }

  @Test
  @DisplayName("a connection that registers on its user's address while Redis is down is answered at once, and given what was queued once Redis is back")
  void registeringWhileDown() throws Exception {
    BridgeClient coach = await(BridgeClient.connectAs(vertx, node.port(), "outage-coach", "instructor"));
    JsonObject queued = await(coach.call("notify.send", new JsonObject().put("userId", "ida").put("type", "info")
      .put("message", "queued before")));
    assertThat(queued.getBoolean("queued")).isTrue();
    BridgeClient ida = await(BridgeClient.connectAs(vertx, node.port(), "ida", "learner"));
    REDIS.stop();
    try {
      await(Eventually.holds(vertx, 100, 10_000, () -> Servers.health(node).map(h -> h.status() == 503)));
      ida.register("user.ida");
      long sent = System.nanoTime();
      // The request after the register waits for the queued notifications, not for the store's retries.
      JsonObject join = await(ida.request("session.join", new JsonObject().put("sessionId", "outage-ida")));
      long millis = (System.nanoTime() - sent) / 1_000_000;
      assertThat(join.getInteger("failureCode")).isEqualTo(503);
      assertThat(millis).isLessThan(REQUEST_TIMEOUT_MS / 4);
      assertThat(ida.unclaimedEvents("user.ida", "notification")).isEmpty();
    } finally {
      REDIS.start();
    }
    await(Eventually.holds(vertx, 100, 10_000, () -> Servers.health(node).map(h -> h.status() == 200)));
    JsonObject notification = await(ida.event("user.ida", "notification"));
    assertThat(notification.getJsonObject("data").getString("message")).isEqualTo("queued before");
    coach.close();
    ida.close();
  }

  @Test
  @DisplayName("refuses a session document update larger than the store takes with 413 while Redis is down, as while it is up")
  void tooLargeWhileDown() throws Exception {
    BridgeClient coach = await(BridgeClient.connectAs(vertx, node.port(), "outage-editor", "instructor"));
    JsonObject tooLarge = new JsonObject().put("sessionId", "outage-doc")
      .put("updates", new JsonObject().put("discussionNotes", "x".repeat(MAX_VALUE_BYTES)));
    assertThat(await(coach.request("session.update", tooLarge)).getInteger("failureCode")).isEqualTo(413);
    REDIS.stop();
    try {
      await(Eventually.holds(vertx, 100, 10_000, () -> Servers.health(node).map(h -> h.status() == 503)));
      // 413 says that sending it again is of no use, where 503 would tell the client to try later.
      assertThat(await(coach.request("session.update", tooLarge)).getInteger("failureCode")).isEqualTo(413);
    } finally {
      REDIS.start();
    }
    await(Eventually.holds(vertx, 100, 10_000, () -> Servers.health(node).map(h -> h.status() == 200)));
    coach.close();
  }

  static void replicaOf(String host, String port) throws Exception {
    await(REDIS.command(vertx, REDIS.url(), Request.cmd(Command.REPLICAOF).arg(host).arg(port)));
  }

  @Test
  @DisplayName("answers durable requests with 503 while its Redis is a replica (after a failover), says DOWN, and serves again once it is a primary")
  void redisDemotedToAReplica() throws Exception {
    BridgeClient gil = member(node, "gil", "outage-replica");
    JsonObject say = new JsonObject().put("sessionId", "outage-replica").put("text", "hi");
    await(gil.call("session.message", say));
    replicaOf("127.0.0.1", "6009"); // nothing listens there: it stays a replica and keeps its data
    try {
      JsonObject refused = await(gil.request("session.message", say));
      assertThat(refused.getInteger("failureCode")).isEqualTo(503);
      await(Eventually.holds(vertx, 100, 10_000, () -> Servers.health(node)
        .map(h -> h.status() == 503 && "DOWN".equals(h.body().getString("redis")))));
    } finally {
      replicaOf("NO", "ONE");
    }
    await(Eventually.holds(vertx, 100, 10_000, () -> Servers.health(node).map(h -> h.status() == 200)));
    assertThat(healthIs(200, "UP")).isTrue();
    assertThat(await(gil.call("session.message", say)).getLong("seq")).isPositive();
    gil.close();
  }
}
