package dev.skillbus.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.Skillbus;
import static dev.skillbus.testing.Servers.await;

import dev.skillbus.testing.BridgeClient;
import dev.skillbus.testing.Servers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A client that reconnects")
class RecoveryOverBridgeTest {

  static final int MAX_EVENTS = 8;
  static Skillbus node;
  static Vertx vertx;

  @BeforeAll
  static void start() throws Exception {
    JsonObject config = Servers.config("recovery-test", 5951, 5951, 5951);
    config.put("session", new JsonObject().put("history", new JsonObject().put("maxEvents", MAX_EVENTS)));
    node = Servers.start(config);
    vertx = node.node().vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close().await(30, TimeUnit.SECONDS);
  }

  static BridgeClient connect(String userId) throws Exception {
    return await(BridgeClient.connectAs(vertx, node.port(), userId, "learner"));
  }

  static JsonObject join(BridgeClient client, String room, JsonObject extra) throws Exception {
    client.register("room." + room);
    return await(client.call("session.join", new JsonObject().put("sessionId", room).mergeIn(extra)));
  }

  static void say(BridgeClient client, String room, String text) throws Exception {
    await(client.call("session.message", new JsonObject().put("sessionId", room).put("text", text)));
  }

  static List<String> texts(JsonArray events) {
    return events.stream().map(e -> (JsonObject) e).filter(e -> "message".equals(e.getString("event")))
      .map(e -> e.getJsonObject("data").getString("text")).toList();
  }

  @Test
  @DisplayName("gets exactly the events it missed, in order, when it rejoins with since")
  void recoversMissedEvents() throws Exception {
    BridgeClient host = connect("host");
    join(host, "rec", new JsonObject());
    BridgeClient guest = connect("guest");
    JsonObject first = join(guest, "rec", new JsonObject());
    say(host, "rec", "before");
    long lastSeen = await(guest.event("room.rec", "message")).getLong("seq");
    await(guest.close());
    await(host.event("room.rec", "user-left"));
    say(host, "rec", "m1");
    say(host, "rec", "m2");
    say(host, "rec", "m3");

    BridgeClient again = connect("guest");
    JsonObject rejoin = join(again, "rec", new JsonObject().put("since", lastSeen).put("epoch", first.getString("epoch")));
    assertThat(rejoin.getBoolean("recovered")).isTrue();
    JsonArray missed = rejoin.getJsonArray("missed");
    assertThat(texts(missed)).containsExactly("m1", "m2", "m3");
    assertThat(missed.getJsonObject(0).getString("event")).isEqualTo("user-left");
    for (int i = 0; i < missed.size(); i++) {
      assertThat(missed.getJsonObject(i).getLong("seq")).isEqualTo(lastSeen + 1 + i);
    }
    assertThat(missed.getJsonObject(missed.size() - 1).getLong("seq")).isEqualTo(rejoin.getLong("seq"));
    host.close();
    again.close();
  }

  @Test
  @DisplayName("is told recovered: false when history no longer reaches back (and given what it keeps, from its first event), or the epoch changed (and given nothing)")
  void cannotRecoverLostHistory() throws Exception {
    BridgeClient host = connect("host2");
    JsonObject first = join(host, "lost", new JsonObject());
    long since = first.getLong("seq");
    for (int i = 0; i < MAX_EVENTS + 2; i++) {
      say(host, "lost", "n" + i);
    }
    BridgeClient late = connect("late");
    JsonObject tooOld = join(late, "lost", new JsonObject().put("since", since).put("epoch", first.getString("epoch")));
    assertThat(tooOld.getBoolean("recovered")).isFalse();
    // The history holds the last MAX_EVENTS events, up to the late joiner's own user-joined.
    long seq = tooOld.getLong("seq");
    assertThat(tooOld.getJsonArray("missed").stream().map(e -> ((JsonObject) e).getLong("seq")).toList())
      .isEqualTo(java.util.stream.LongStream.rangeClosed(seq - MAX_EVENTS + 1, seq).boxed().toList());
    JsonObject fromStart = await(late.call("session.history", new JsonObject().put("sessionId", "lost").put("since", 0)));
    assertThat(fromStart.getBoolean("complete")).isFalse();
    assertThat(fromStart.getJsonArray("events")).isEqualTo(tooOld.getJsonArray("missed"));

    JsonObject otherEpoch = await(late.call("session.join", new JsonObject().put("sessionId", "lost")
      .put("since", tooOld.getLong("seq")).put("epoch", "not-the-epoch")));
    assertThat(otherEpoch.getBoolean("recovered")).isFalse();
    assertThat(otherEpoch.getJsonArray("missed")).isEmpty();
    assertThat(otherEpoch.getString("epoch")).isEqualTo(first.getString("epoch"));
    host.close();
    late.close();
  }
}
