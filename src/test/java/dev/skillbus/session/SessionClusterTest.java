package dev.skillbus.session;

import static dev.skillbus.testing.BusProbe.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import com.hazelcast.internal.partition.InternalPartitionService;
import com.hazelcast.map.IMap;
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
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Two nodes, each with its own session verticle: membership is cluster-wide and survives a node. */
@ExtendWith(VertxExtension.class)
@DisplayName("Rooms across a cluster of nodes")
class SessionClusterTest {

  private static final Nodes NODES = new Nodes("session-cluster-test", 5840);
  /** The node that stays up in every test; each test starts the node it stops or kills. */
  private static ClusterNode survivor;
  private static Metrics survivorMetrics;

  @BeforeAll
  static void startSurvivor() {
    survivorMetrics = Metrics.create();
    survivor = startWithSessions(survivorMetrics);
  }

  @AfterAll
  static void close() {
    NODES.closeAll().await();
  }

  private static ClusterNode startWithSessions() {
    return startWithSessions(Metrics.create());
  }

  private static ClusterNode startWithSessions(Metrics metrics) {
    ClusterNode node = NODES.start().await();
    node.vertx().deployVerticle(new SessionVerticle(node.hazelcast(), new InMemoryRoomHistory(100, 3600), metrics, RoomRules.open()),
      new DeploymentOptions().setConfig(new JsonObject().put("sweepIntervalSeconds", 1))).await();
    return node;
  }

  private static IMap<String, RoomState> roomStates() {
    return survivor.hazelcast().getMap(RoomRegistry.ROOMS);
  }

  private static MultiMap<String, String> nodeRooms() {
    return survivor.hazelcast().getMultiMap(RoomRegistry.NODE_ROOMS);
  }

  /** The survivor's {@code skillbus_cluster_repairs_total} of one kind. */
  private static double repairs(String kind) {
    return survivorMetrics.registry().counter("skillbus.cluster.repairs", "kind", kind).count();
  }

  private static Iterable<String> userIds(JsonArray participants) {
    return participants.stream().map(p -> ((JsonObject) p).getString("userId")).toList();
  }

  @Test
  @DisplayName("a join on one node is in the participants seen from another, and a stopping node takes its users out")
  void joinAcrossNodesThenGracefulStop() throws Exception {
    String room = "room-" + UUID.randomUUID();
    ClusterNode other = startWithSessions();
    TestConnection alice = new TestConnection(other.vertx(), "alice", "Alice", "learner");
    TestConnection bob = new TestConnection(survivor.vertx(), "bob", "Bob", "learner");
    BusProbe probe = BusProbe.listen(survivor.vertx(), Address.room(room)).await();
    alice.join(room).await();
    JsonObject reply = bob.join(room).await();
    assertThat(userIds(reply.getJsonArray("participants"))).containsExactly("alice", "bob");
    // Steps on the test thread: closing a node is awaited here, not chained on its event loop.
    NODES.close(other).await(30, TimeUnit.SECONDS);
    BusProbe.Received left = probe.next(event(Event.USER_LEFT, "alice")).await(10, TimeUnit.SECONDS);
    assertThat(userIds(left.body().getJsonObject("data").getJsonArray("participants"))).containsExactly("bob");
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @DisplayName("when a node dies, a survivor announces its users left within 10 seconds")
  void nodeFailure(VertxTestContext ctx) {
    String room = "room-" + UUID.randomUUID();
    ClusterNode doomed = startWithSessions();
    TestConnection alice = new TestConnection(doomed.vertx(), "alice", "Alice", "learner");
    TestConnection aliceTab2 = new TestConnection(doomed.vertx(), "alice", "Alice", "learner");
    TestConnection bob = new TestConnection(survivor.vertx(), "bob", "Bob", "learner");
    BusProbe probe = BusProbe.listen(survivor.vertx(), Address.room(room)).await();
    alice.join(room)
      .compose(r -> aliceTab2.join(room))
      .compose(r -> bob.join(room))
      .compose(r -> probe.next(event(Event.USER_JOINED, "bob")))
      .compose(r -> {
        doomed.hazelcast().getLifecycleService().terminate();
        return probe.next(event(Event.USER_LEFT, "alice")).timeout(10, TimeUnit.SECONDS);
      })
      .onComplete(ctx.succeeding(left -> ctx.verify(() -> {
        assertThat(userIds(left.body().getJsonObject("data").getJsonArray("participants"))).containsExactly("bob");
        assertThat(probe.all(event(Event.USER_LEFT, "alice"))).hasSize(1);
      })))
      .compose(r -> new TestConnection(survivor.vertx(), "carol", "Carol", "learner").join(room))
      .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
        assertThat(userIds(reply.getJsonArray("participants"))).containsExactly("bob", "carol");
        ctx.completeNow();
      })));
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @DisplayName("connections of a node gone unseen (no departure was reported) are removed at the next check")
  void departedNodeFoundByTheCheck(VertxTestContext ctx) {
    String room = "room-" + UUID.randomUUID();
    TestConnection bob = new TestConnection(survivor.vertx(), "bob", "Bob", "learner");
    BusProbe probe = BusProbe.listen(survivor.vertx(), Address.room(room)).await();
    bob.join(room).await();
    // What a node that died while nobody listened (or while its cleaner died too) leaves behind:
    // its connection in the room and the room in its record, under a node id no member has.
    IMap<String, RoomState> rooms = roomStates();
    MultiMap<String, String> nodeRooms = nodeRooms();
    double cleanedBefore = repairs("departed_node_rooms");
    Connection ghost = new Connection("ghost-conn", "ghost", "Ghost", "learner", "departed-node", System.currentTimeMillis());
    survivor.vertx().executeBlocking(() -> {
      rooms.executeOnKey(room, new RoomProcessors.Join(ghost));
      return nodeRooms.put("departed-node", room);
    }).compose(v -> probe.next(event(Event.USER_LEFT, "ghost")).timeout(10, TimeUnit.SECONDS))
      .onComplete(ctx.succeeding(left -> ctx.verify(() ->
        assertThat(userIds(left.body().getJsonObject("data").getJsonArray("participants"))).containsExactly("bob"))))
      .compose(left -> Eventually.holds(survivor.vertx(), 100, 10_000,
        () -> survivor.vertx().executeBlocking(() -> !nodeRooms.containsKey("departed-node")
          && repairs("departed_node_rooms") == cleanedBefore + 1)))
      .compose(v -> new TestConnection(survivor.vertx(), "carol", "Carol", "learner").join(room))
      .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
        assertThat(userIds(reply.getJsonArray("participants"))).containsExactly("bob", "carol");
        assertThat(probe.all(event(Event.USER_LEFT, "ghost"))).hasSize(1);
        ctx.completeNow();
      })));
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @DisplayName("a connection the room's state lost (a dead node's only copy, a healed split) is written back and announced")
  void lostConnectionRestored(VertxTestContext ctx) {
    String room = "room-" + UUID.randomUUID();
    TestConnection dora = new TestConnection(survivor.vertx(), "dora", "Dora", "instructor");
    BusProbe probe = BusProbe.listen(survivor.vertx(), Address.room(room)).await();
    dora.join(room).await();
    double restoredBefore = repairs("restored_connection");
    IMap<String, RoomState> rooms = roomStates();
    MultiMap<String, String> nodeRooms = nodeRooms();
    String nodeId = dev.skillbus.cluster.Nodes.localId(survivor.hazelcast());
    survivor.vertx().executeBlocking(() -> {
      rooms.executeOnKey(room, RoomProcessors.Leave.connection(dora.connId()));
      return nodeRooms.remove(nodeId, room);
    })
      .compose(v -> Eventually.holds(survivor.vertx(), 100, 10_000,
        () -> survivor.vertx().executeBlocking(() -> probe.all(event(Event.USER_JOINED, "dora")).size() == 2
          && nodeRooms.containsEntry(nodeId, room))))
      .compose(v -> new TestConnection(survivor.vertx(), "emil", "Emil", "learner").join(room))
      .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
        assertThat(repairs("restored_connection")).isEqualTo(restoredBefore + 1);
        assertThat(userIds(reply.getJsonArray("participants"))).containsExactly("dora", "emil");
        JsonObject dorasEntry = reply.getJsonArray("participants").getJsonObject(0);
        assertThat(dorasEntry.getString("name")).isEqualTo("Dora");
        assertThat(dorasEntry.getString("role")).isEqualTo("instructor");
        ctx.completeNow();
      })));
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @DisplayName("a connection written back keeps the activity its user last set through the node")
  void lostConnectionRestoredIdle(VertxTestContext ctx) {
    String room = "room-" + UUID.randomUUID();
    TestConnection fay = new TestConnection(survivor.vertx(), "fay", "Fay", "learner");
    BusProbe probe = BusProbe.listen(survivor.vertx(), Address.room(room)).await();
    fay.join(room).await();
    long joined = probe.next(event(Event.USER_JOINED, "fay")).await().body().getLong("seq");
    fay.request(Inbound.SESSION_ACTIVITY.address(), new JsonObject().put("sessionId", room).put("isActive", false)).await();
    IMap<String, RoomState> rooms = roomStates();
    survivor.vertx().executeBlocking(() -> rooms.executeOnKey(room, RoomProcessors.Leave.connection(fay.connId())))
      .compose(v -> probe.next(e -> event(Event.USER_JOINED, "fay").test(e) && e.getLong("seq") > joined))
      .compose(restored -> new TestConnection(survivor.vertx(), "gus", "Gus", "learner").join(room)
        .map(reply -> List.of(restored.body().getJsonObject("data").getJsonArray("participants"),
          reply.getJsonArray("participants"))))
      .onComplete(ctx.succeeding(lists -> ctx.verify(() -> {
        for (JsonArray participants : lists) {
          JsonObject fays = participants.stream().map(JsonObject.class::cast)
            .filter(p -> "fay".equals(p.getString("userId"))).findFirst().orElseThrow();
          assertThat(fays.getBoolean("isActive")).isFalse();
        }
        ctx.completeNow();
      })));
  }

  @Test
  @Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
  @DisplayName("when two nodes die at once, a survivor announces their users left, even in a room whose first two copies were on them")
  void twoNodesDieAtOnce(VertxTestContext ctx) throws Exception {
    ClusterNode first = startWithSessions();
    ClusterNode second = startWithSessions();
    awaitClusterSafe();
    String room = roomCopiedOn(first, second);
    TestConnection alice = new TestConnection(first.vertx(), "alice", "Alice", "learner");
    TestConnection dan = new TestConnection(second.vertx(), "dan", "Dan", "learner");
    TestConnection bob = new TestConnection(survivor.vertx(), "bob", "Bob", "learner");
    BusProbe probe = BusProbe.listen(survivor.vertx(), Address.room(room)).await();
    alice.join(room).await();
    dan.join(room).await();
    bob.join(room).await();
    probe.next(event(Event.USER_JOINED, "bob")).await(10, TimeUnit.SECONDS);
    // The backups of the last changes are written before the crash, as on a cluster at rest.
    awaitClusterSafe();
    first.hazelcast().getLifecycleService().terminate();
    second.hazelcast().getLifecycleService().terminate();
    probe.next(event(Event.USER_LEFT, "alice")).compose(v -> probe.next(event(Event.USER_LEFT, "dan")))
      .timeout(30, TimeUnit.SECONDS)
      .compose(v -> new TestConnection(survivor.vertx(), "carol", "Carol", "learner").join(room))
      .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
        assertThat(userIds(reply.getJsonArray("participants"))).containsExactly("bob", "carol");
        assertThat(probe.all(event(Event.USER_JOINED, "bob"))).as("bob never left, so he is not announced again").hasSize(1);
        ctx.completeNow();
      })));
  }

  /** Waits until every partition has its backups (no migration under way). */
  private static void awaitClusterSafe() throws Exception {
    Eventually.holds(survivor.vertx(), 50, 30_000, () -> survivor.vertx().executeBlocking(
      () -> survivor.hazelcast().getPartitionService().isClusterSafe())).await(35, TimeUnit.SECONDS);
  }

  /** A room id whose owner and first backup are on {@code one} and {@code other} (Hazelcast's own placement). */
  private static String roomCopiedOn(ClusterNode one, ClusterNode other) {
    InternalPartitionService partitions = ((HazelcastInstanceProxy) survivor.hazelcast()).getOriginal().node.getPartitionService();
    Set<com.hazelcast.cluster.Address> doomed = Set.of(one.hazelcast().getCluster().getLocalMember().getAddress(),
      other.hazelcast().getCluster().getLocalMember().getAddress());
    // A third of the partitions have both copies there: a thousand tries find one.
    for (int tries = 0; tries < 1000; tries++) {
      String room = "room-" + UUID.randomUUID();
      int partition = survivor.hazelcast().getPartitionService().getPartition(room).getPartitionId();
      if (doomed.contains(partitions.getPartition(partition).getReplicaAddress(0))
        && doomed.contains(partitions.getPartition(partition).getReplicaAddress(1))) {
        return room;
      }
    }
    throw new IllegalStateException("no partition has its owner and first backup on the two nodes");
  }
}
