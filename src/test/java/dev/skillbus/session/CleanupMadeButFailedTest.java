package dev.skillbus.session;

import static dev.skillbus.testing.BusProbe.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.map.IMap;
import com.hazelcast.multimap.MultiMap;
import dev.skillbus.ClusterNode;
import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.Event;
import dev.skillbus.store.InMemoryRoomHistory;
import dev.skillbus.testing.BusProbe;
import dev.skillbus.testing.Nodes;
import dev.skillbus.testing.TestConnection;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The cleanup after a departed node whose removal from a room Hazelcast made but answered as
 * failed: done again at the next check, it finds nothing to remove, and must still announce the
 * departed node's users gone, each of them (the first one announced is the room's latest presence
 * event before the next is looked at).
 */
@DisplayName("A cleanup after a departed node that was made but answered as failed")
class CleanupMadeButFailedTest {

  private static final Nodes NODES = new Nodes("cleanup-unsure-test", 6630);
  private static ClusterNode node;
  private static RefusingHazelcast refusing;

  @BeforeAll
  static void deploy() {
    node = NODES.start().await();
    refusing = new RefusingHazelcast(node.hazelcast());
    node.vertx().deployVerticle(new SessionVerticle(refusing.instance(), new InMemoryRoomHistory(100, 3600)),
      new DeploymentOptions().setConfig(new JsonObject().put("sweepIntervalSeconds", 1))).await();
  }

  @AfterAll
  static void close() {
    NODES.closeAll().await();
  }

  @Test
  @DisplayName("announces each of the departed node's users left once, when done again")
  void announcedWhenDoneAgain() throws Exception {
    String room = "room-" + UUID.randomUUID();
    IMap<String, RoomState> rooms = node.hazelcast().getMap(RoomRegistry.ROOMS);
    MultiMap<String, String> nodeRooms = node.hazelcast().getMultiMap(RoomRegistry.NODE_ROOMS);
    BusProbe probe = BusProbe.listen(node.vertx(), Address.room(room)).await();
    // A user of a node that is gone, in the room (the node's record of the room comes last: the
    // cleanup starts from it).
    Connection ghost = new Connection("ghost-conn", "ghost", "Ghost", "learner", "gone-node", System.currentTimeMillis());
    Connection wraith = new Connection("wraith-conn", "wraith", "Wraith", "learner", "gone-node", System.currentTimeMillis());
    node.vertx().executeBlocking(() -> rooms.executeOnKey(room, new RoomProcessors.Join(ghost))).await(10, TimeUnit.SECONDS);
    node.vertx().executeBlocking(() -> rooms.executeOnKey(room, new RoomProcessors.Join(wraith))).await(10, TimeUnit.SECONDS);
    new TestConnection(node.vertx(), "bob", "Bob", "learner").join(room).await(10, TimeUnit.SECONDS);
    refusing.loseNodeLeaveReplies("gone-node", 1);
    node.vertx().executeBlocking(() -> nodeRooms.put("gone-node", room)).await(10, TimeUnit.SECONDS);

    for (String userId : new String[] {"ghost", "wraith"}) {
      BusProbe.Received left = probe.next(event(Event.USER_LEFT, userId)).timeout(10, TimeUnit.SECONDS)
        .await(15, TimeUnit.SECONDS);
      assertThat(left.body().getJsonObject("data").getJsonArray("participants").stream()
        .map(p -> ((JsonObject) p).getString("userId")).toList()).containsExactly("bob");
    }
    new TestConnection(node.vertx(), "cleo", "Cleo", "learner").join(room).await(10, TimeUnit.SECONDS);
    probe.next(event(Event.USER_JOINED, "cleo")).await(10, TimeUnit.SECONDS);
    assertThat(probe.all(event(Event.USER_LEFT, "ghost"))).hasSize(1);
    assertThat(probe.all(event(Event.USER_LEFT, "wraith"))).hasSize(1);
  }
}
