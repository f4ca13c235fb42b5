package dev.skillbus.cluster;

import static dev.skillbus.testing.Servers.await;
import static dev.skillbus.testing.Servers.member;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.Skillbus;
import dev.skillbus.testing.BridgeClient;
import dev.skillbus.testing.Servers;
import dev.skillbus.testing.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("Two nodes sharing one Redis")
class RedisClusterTest {

  @RegisterExtension
  static final TestRedis REDIS = new TestRedis(6010);
  static Skillbus a;
  static Skillbus b;

  static JsonObject config(int port) {
    return Servers.config("redis-cluster-test", port, 6011, 6012).put("store", REDIS.storeConfig("cluster-test:"));
  }

  @BeforeAll
  static void start() throws Exception {
    a = Servers.start(config(6011));
    b = Servers.start(config(6012));
  }

  @AfterAll
  static void stop() throws Exception {
    Future.join(a.close(), b.close()).await(60, TimeUnit.SECONDS);
  }

  static String text(JsonObject event) {
    return event.getJsonObject("data").getString("text");
  }

  @Test
  @DisplayName("messages sent at once through both nodes get one gap-free seq each, in history order")
  void concurrentAppendsAreGapFree() throws Exception {
    BridgeClient onA = member(a, "ann", "race");
    BridgeClient onB = member(b, "ben", "race");
    long start = await(onB.call("session.history", new JsonObject().put("sessionId", "race").put("since", 0))).getLong("seq");
    Map<String, Future<JsonObject>> acks = new HashMap<>();
    for (int i = 0; i < 40; i++) {
      for (BridgeClient client : List.of(onA, onB)) {
        String text = (client == onA ? "a" : "b") + i;
        acks.put(text, client.call("session.message", new JsonObject().put("sessionId", "race").put("text", text)));
      }
    }
    await(Future.all(new ArrayList<>(acks.values())));
    JsonObject history = await(onA.call("session.history", new JsonObject().put("sessionId", "race").put("since", start)));
    List<JsonObject> events = history.getJsonArray("events").stream().map(e -> (JsonObject) e).toList();
    assertThat(history.getBoolean("complete")).isTrue();
    assertThat(events).extracting(e -> e.getLong("seq"))
      .containsExactlyElementsOf(LongStream.rangeClosed(start + 1, start + acks.size()).boxed().toList());
    acks.forEach((text, ack) ->
      assertThat(text(events.get((int) (ack.result().getLong("seq") - start - 1)))).isEqualTo(text));
    onA.close();
    onB.close();
  }

  @Test
  @DisplayName("a client that was on node A rejoins on node B with since and gets exactly what it missed")
  void recoversOnAnotherNode() throws Exception {
    BridgeClient host = member(b, "host", "moved");
    BridgeClient guest = await(BridgeClient.connectAs(a.node().vertx(), a.port(), "guest", "learner"));
    guest.register("room.moved");
    JsonObject joined = await(guest.call("session.join", new JsonObject().put("sessionId", "moved")));
    await(host.call("session.message", new JsonObject().put("sessionId", "moved").put("text", "before")));
    long lastSeen = await(guest.event("room.moved", "message")).getLong("seq");
    await(guest.close());
    await(host.event("room.moved", "user-left"));
    for (String text : List.of("m1", "m2", "m3")) {
      await(host.call("session.message", new JsonObject().put("sessionId", "moved").put("text", text)));
    }

    BridgeClient again = await(BridgeClient.connectAs(b.node().vertx(), b.port(), "guest", "learner"));
    again.register("room.moved");
    JsonObject rejoin = await(again.call("session.join", new JsonObject().put("sessionId", "moved")
      .put("since", lastSeen).put("epoch", joined.getString("epoch"))));
    JsonArray missed = rejoin.getJsonArray("missed");
    assertThat(rejoin.getBoolean("recovered")).isTrue();
    assertThat(rejoin.getString("epoch")).isEqualTo(joined.getString("epoch"));
    assertThat(missed.stream().map(e -> ((JsonObject) e).getString("event")).toList())
      .containsExactly("user-left", "message", "message", "message", "user-joined");
    assertThat(missed.stream().map(e -> (JsonObject) e).filter(e -> "message".equals(e.getString("event")))
      .map(RedisClusterTest::text).toList()).containsExactly("m1", "m2", "m3");
    for (int i = 0; i < missed.size(); i++) {
      assertThat(missed.getJsonObject(i).getLong("seq")).isEqualTo(lastSeen + 1 + i);
    }
    host.close();
    again.close();
  }
}
