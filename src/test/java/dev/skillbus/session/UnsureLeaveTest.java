package dev.skillbus.session;

import static dev.skillbus.testing.BusProbe.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.multimap.MultiMap;
import dev.skillbus.ClusterNode;
import dev.skillbus.auth.RoomRules;
import dev.skillbus.ops.Metrics;
import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.Event;
import dev.skillbus.protocol.Inbound;
import dev.skillbus.store.InMemoryRoomHistory;
import dev.skillbus.testing.BusProbe;
import dev.skillbus.testing.Eventually;
import dev.skillbus.testing.Nodes;
import dev.skillbus.testing.TestConnection;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Leaves the cluster made but answered as failed, in rooms they leave empty. Two nodes share one
 * history, as nodes sharing Redis do: {@code mending}, whose Hazelcast loses chosen leave replies
 * and which mends its rooms in doubt every second, and {@code other}.
 */
@DisplayName("A leave made but answered as failed, in a room that ends up empty")
class UnsureLeaveTest {

  private static final Nodes NODES = new Nodes("unsure-leave-test", 6610);
  private static final InMemoryRoomHistory SHARED = new InMemoryRoomHistory(100, 3600);
  private static RefusingHazelcast refusing;
  private static ClusterNode mending;
  private static ClusterNode other;

  @BeforeAll
  static void deploy() {
    mending = NODES.start().await();
    refusing = new RefusingHazelcast(mending.hazelcast());
    mending.vertx().deployVerticle(new SessionVerticle(refusing.instance(), SHARED),
      new DeploymentOptions().setConfig(new JsonObject().put("sweepIntervalSeconds", 3600))).await();
    other = NODES.start().await();
    other.vertx().deployVerticle(new SessionVerticle(other.hazelcast(), SHARED, Metrics.create(), RoomRules.open()),
      new DeploymentOptions().setConfig(new JsonObject().put("sweepIntervalSeconds", 3600))).await();
  }

  @AfterAll
  static void close() {
    NODES.closeAll().await();
  }

  /**
   * Once the mending node no longer records the room (it left it, and the room is no longer in
   * doubt), joins a newcomer through the other node and waits for its user-joined: whatever the
   * mending node announced in the room has arrived before it.
   */
  private static void mendingDone(BusProbe probe, String room, String newcomer) throws Exception {
    MultiMap<String, String> nodeRooms = mending.hazelcast().getMultiMap(RoomRegistry.NODE_ROOMS);
    String nodeId = dev.skillbus.cluster.Nodes.localId(mending.hazelcast());
    Eventually.holds(mending.vertx(), 100, 10_000,
      () -> mending.vertx().executeBlocking(() -> !nodeRooms.containsEntry(nodeId, room))).await();
    new TestConnection(other.vertx(), newcomer, newcomer, "learner").join(room).await();
    probe.next(event(Event.USER_JOINED, newcomer)).await(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("of a user on two nodes, whose other connection then leaves the room empty, ends with one user-left")
  void userOnTwoNodes() throws Exception {
    String room = "room-" + UUID.randomUUID();
    BusProbe probe = BusProbe.listen(mending.vertx(), Address.room(room)).await();
    TestConnection onMending = new TestConnection(mending.vertx(), "uma", "uma", "learner");
    TestConnection onOther = new TestConnection(other.vertx(), "uma", "uma", "learner");
    onMending.join(room).await();
    onOther.join(room).await();
    refusing.loseLeaveReplies(onMending.connId(), 1);
    assertThat(onMending.leave(room).transform(ar -> Future.succeededFuture(ar.failed())).await()).isTrue();
    onOther.leave(room).await();
    mendingDone(probe, room, "uma-after");
    List<JsonObject> lefts = probe.all(event(Event.USER_LEFT, "uma"));
    assertThat(lefts).hasSize(1);
    assertThat(lefts.get(0).getJsonObject("data").getJsonArray("participants")).isEmpty();
  }

  @Test
  @DisplayName("that emptied the room, twice over, is announced each time with a new seq")
  void twice() throws Exception {
    String room = "room-" + UUID.randomUUID();
    BusProbe probe = BusProbe.listen(mending.vertx(), Address.room(room)).await();
    long lastSeq = 0;
    for (int round = 1; round <= 2; round++) {
      TestConnection vic = new TestConnection(mending.vertx(), "vic", "vic", "learner");
      vic.join(room).await();
      refusing.loseLeaveReplies(vic.connId(), 1);
      assertThat(vic.leave(room).transform(ar -> Future.succeededFuture(ar.failed())).await()).isTrue();
      long after = lastSeq;
      JsonObject left = probe.next(e -> event(Event.USER_LEFT, "vic").test(e) && e.getLong("seq") > after)
        .await(10, TimeUnit.SECONDS).body();
      assertThat(left.getJsonObject("data").getJsonArray("participants")).as("round %d", round).isEmpty();
      lastSeq = left.getLong("seq");
    }
    assertThat(probe.all(event(Event.USER_LEFT, "vic"))).hasSize(2);
  }

  @Test
  @DisplayName("is announced although the room's last events are more than a page of bytes and an older presence event shows the user gone")
  void largeEventsInTheLookBack() throws Exception {
    String room = "room-" + UUID.randomUUID();
    BusProbe probe = BusProbe.listen(mending.vertx(), Address.room(room)).await();
    TestConnection bob = new TestConnection(mending.vertx(), "bob", "bob", "learner");
    bob.join(room).await();
    TestConnection first = new TestConnection(mending.vertx(), "vic", "vic", "learner");
    first.join(room).await();
    first.leave(room).await();
    // About 280 KB of chat: more than a history page holds (256 KiB).
    String text = "x".repeat(3900);
    for (int i = 0; i < 70; i++) {
      bob.request(Inbound.SESSION_MESSAGE.address(), new JsonObject().put("sessionId", room).put("text", text)).await();
    }
    TestConnection again = new TestConnection(mending.vertx(), "vic", "vic", "learner");
    long joinedSeq = again.join(room).await().getLong("seq");
    refusing.loseLeaveReplies(again.connId(), 1);
    assertThat(again.leave(room).transform(ar -> Future.succeededFuture(ar.failed())).await()).isTrue();
    JsonObject left = probe.next(e -> event(Event.USER_LEFT, "vic").test(e) && e.getLong("seq") > joinedSeq)
      .await(10, TimeUnit.SECONDS).body();
    assertThat(left.getJsonObject("data").getJsonArray("participants")).hasSize(1);
  }
}
