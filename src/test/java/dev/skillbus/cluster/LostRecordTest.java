package dev.skillbus.cluster;

import static dev.skillbus.testing.Servers.member;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.Skillbus;
import dev.skillbus.testing.BridgeClient;
import dev.skillbus.testing.Servers;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A node's record of its rooms can die with it: its only copies were on that node and on another
 * that died at the same time. The rooms' states still hold the dead node's connections.
 */
@DisplayName("A node that died with its record of rooms")
class LostRecordTest {

  @Test
  @DisplayName("is still cleaned up after: the oldest node finds its connections in the rooms, and peers see its users leave")
  void cleanedUpFromTheRooms() throws Exception {
    JsonObject quickChecks = new JsonObject().put("sweepIntervalSeconds", 1);
    Skillbus survivor = Servers.start(Servers.config("lost-record-test", 5705, 5705, 5706).put("session", quickChecks));
    Skillbus victim = Servers.start(Servers.config("lost-record-test", 5706, 5705, 5706).put("session", quickChecks));
    try {
      BridgeClient stay = member(survivor, "lr-stay", "lr-room");
      member(victim, "lr-gone", "lr-room");
      stay.event("room.lr-room", "user-joined").compose(e -> "lr-gone".equals(e.getJsonObject("data").getString("userId"))
        ? Future.succeededFuture(e) : stay.event("room.lr-room", "user-joined")).await(15, TimeUnit.SECONDS);
      Servers.awaitClusterSafe(survivor);
      // The victim's record of its rooms is lost (as when both its copies were on nodes that died).
      survivor.node().vertx().executeBlocking(() -> survivor.node().hazelcast().getMultiMap("skillbus.node-rooms")
        .remove(victim.node().nodeId()), false).await(10, TimeUnit.SECONDS);
      victim.node().hazelcast().getLifecycleService().terminate();

      JsonObject left = stay.event("room.lr-room", "user-left").await(15, TimeUnit.SECONDS).getJsonObject("data");
      assertThat(left.getString("userId")).isEqualTo("lr-gone");
      assertThat(left.getJsonArray("participants").stream().map(p -> ((JsonObject) p).getString("userId")).toList())
        .containsExactly("lr-stay");
    } finally {
      victim.close().await(30, TimeUnit.SECONDS);
      survivor.close().await(30, TimeUnit.SECONDS);
    }
  }
}
