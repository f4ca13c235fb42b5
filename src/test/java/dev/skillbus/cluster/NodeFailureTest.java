package dev.skillbus.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.Skillbus;
import static dev.skillbus.testing.Servers.member;

import dev.skillbus.testing.BridgeClient;
import dev.skillbus.testing.Servers;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("When a node goes away")
class NodeFailureTest {

  static <T> T await(Future<T> future, long seconds) throws Exception {
    return future.await(seconds, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("killed abruptly, the survivor announces its users left within 10 seconds")
  void killedNode() throws Exception {
    Skillbus survivor = Servers.start(Servers.config("kill-test", 5931, 5931, 5932));
    Skillbus victim = Servers.start(Servers.config("kill-test", 5932, 5931, 5932));
    try {
      member(victim, "gone2", "other-room");
      BridgeClient stay = killAndAwaitLeft(survivor, victim, "kill-room");
      JsonObject state = await(stay.call("session.join", new JsonObject().put("sessionId", "kill-room")), 10);
      assertThat(state.getJsonArray("participants")).hasSize(1);
      // The other room of the dead node is emptied too.
      BridgeClient late = member(survivor, "late", "other-room");
      JsonObject other = await(late.call("session.join", new JsonObject().put("sessionId", "other-room")), 10);
      assertThat(userIds(other.getJsonArray("participants"))).containsExactly("late");
    } finally {
      victim.node().vertx().close();
      await(survivor.close(), 30);
    }
  }

  @Test
  @DisplayName("killed while it was the oldest node, the next oldest takes over the cleanup")
  void killedOldestNode() throws Exception {
    Skillbus victim = Servers.start(Servers.config("kill-oldest-test", 5991, 5991, 5992));
    Skillbus survivor = Servers.start(Servers.config("kill-oldest-test", 5992, 5991, 5992));
    try {
      killAndAwaitLeft(survivor, victim, "oldest-room");
    } finally {
      victim.node().vertx().close();
      await(survivor.close(), 30);
    }
  }

  /**
   * "stay" on the survivor and "gone" on the victim join the room; once the cluster is safe the
   * victim is killed, and "stay" must see "gone" leave within 10 seconds. Returns "stay".
   */
  private static BridgeClient killAndAwaitLeft(Skillbus survivor, Skillbus victim, String room) throws Exception {
    BridgeClient stay = member(survivor, "stay", room);
    member(victim, "gone", room);
    String address = "room." + room;
    await(stay.event(address, "user-joined").compose(e -> "gone".equals(e.getJsonObject("data").getString("userId"))
      ? Future.succeededFuture(e) : stay.event(address, "user-joined")), 15);

    Servers.awaitClusterSafe(survivor);
    long killedAt = System.nanoTime();
    victim.node().hazelcast().getLifecycleService().terminate();
    JsonObject left = await(stay.event(address, "user-left"), 10).getJsonObject("data");
    assertThat((System.nanoTime() - killedAt) / 1_000_000).isLessThan(10_000);
    assertThat(left.getString("userId")).isEqualTo("gone");
    assertThat(userIds(left.getJsonArray("participants"))).containsExactly("stay");
    return stay;
  }

  private static List<String> userIds(JsonArray participants) {
    return participants.stream().map(p -> ((JsonObject) p).getString("userId")).toList();
  }

  @Test
  @DisplayName("stopped gracefully, its connections leave their rooms before it leaves the cluster")
  void stoppedNode() throws Exception {
    Skillbus survivor = Servers.start(Servers.config("stop-test", 5941, 5941, 5942));
    Skillbus leaving = Servers.start(Servers.config("stop-test", 5942, 5941, 5942));
    try {
      BridgeClient stay = member(survivor, "stays", "stop-room");
      member(leaving, "leaves", "stop-room");
      await(leaving.close(), 30);
      JsonObject left = await(stay.event("room.stop-room", "user-left"), 10).getJsonObject("data");
      assertThat(left.getString("userId")).isEqualTo("leaves");
    } finally {
      await(survivor.close(), 30);
    }
  }
}
