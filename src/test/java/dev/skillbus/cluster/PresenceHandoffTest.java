package dev.skillbus.cluster;

import static dev.skillbus.testing.Servers.await;
import static dev.skillbus.testing.Servers.member;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.Skillbus;
import dev.skillbus.protocol.Address;
import dev.skillbus.testing.BridgeClient;
import dev.skillbus.testing.Eventually;
import dev.skillbus.testing.Servers;
import dev.skillbus.testing.TestRedis;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("Presence events a stopping node could not store")
class PresenceHandoffTest {

  @RegisterExtension
  static final TestRedis REDIS = new TestRedis(6007);
  static Skillbus stays;

  static JsonObject config(int port) {
    return Servers.config("presence-handoff-test", port, 6051, 6052).put("store", REDIS.storeConfig("handoff-test:"));
  }

  @BeforeAll
  static void start() throws Exception {
    stays = Servers.start(config(6051));
  }

  @AfterAll
  static void stop() throws Exception {
    stays.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("a handoff without a valid event or connection is answered 400 and keeps nothing")
  void malformedHandoffIsRefused() throws Exception {
    EventBus bus = stays.node().vertx().eventBus();
    JsonObject connection = new JsonObject().put("connId", "c1").put("userId", "ivy").put("nodeId", "n1").put("joinedAt", 1L);
    for (JsonObject body : new JsonObject[] {
      new JsonObject().put("roomId", "handoff").put("event", "user-left"),
      new JsonObject().put("roomId", "handoff").put("event", "message").put("connection", connection),
      new JsonObject().put("roomId", "handoff").put("event", "user-left").put("connection", connection.copy().putNull("userId"))}) {
      Throwable refused = bus.request(Address.PRESENCE_HANDOFF, body).toCompletionStage().toCompletableFuture()
        .handle((reply, err) -> err).get(10, TimeUnit.SECONDS);
      assertThat(refused).isInstanceOf(ReplyException.class);
      assertThat(((ReplyException) refused).failureCode()).isEqualTo(400);
    }
  }

  @Test
  @DisplayName("a node that stops while Redis is down hands its users' user-left to a node that stays, which announces it once Redis is back")
  void userLeftOfAStoppedNodeIsAnnouncedAfter() throws Exception {
    Skillbus stops = Servers.start(config(6052));
    Servers.awaitClusterSafe(stays);
    BridgeClient gus = member(stops, "gus", "handoff");
    BridgeClient hal = member(stays, "hal", "handoff");
    long halJoined = await(hal.call("session.history", new JsonObject().put("sessionId", "handoff").put("since", 0))).getLong("seq");
    REDIS.stop();
    await(Eventually.holds(stays.node().vertx(), 100, 10_000, () -> Servers.health(stays).map(h -> h.status() == 503)));

    stops.close().await(30, TimeUnit.SECONDS);
    assertThat(hal.unclaimedEvents("room.handoff", "user-left")).isEmpty();

    REDIS.start();
    JsonObject gusLeft = await(hal.event("room.handoff", "user-left"));
    assertThat(gusLeft.getJsonObject("data").getString("userId")).isEqualTo("gus");
    assertThat(gusLeft.getJsonObject("data").getJsonArray("participants").stream()
      .map(p -> ((JsonObject) p).getString("userId")).toList()).containsExactly("hal");
    assertThat(gusLeft.getLong("seq")).isEqualTo(halJoined + 1);
    hal.close(); // gus's client went with the stopped node's Vert.x
  }
}
