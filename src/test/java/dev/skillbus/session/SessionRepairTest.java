package dev.skillbus.session;

import static dev.skillbus.testing.BusProbe.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.multimap.MultiMap;
import dev.skillbus.ClusterNode;
import dev.skillbus.auth.RoomRules;
import dev.skillbus.ops.Metrics;
import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.Event;
import dev.skillbus.store.InMemoryRoomHistory;
import dev.skillbus.store.RoomHistory;
import dev.skillbus.testing.BusProbe;
import dev.skillbus.testing.Eventually;
import dev.skillbus.testing.ForwardingHistory;
import dev.skillbus.testing.Nodes;
import dev.skillbus.testing.TestConnection;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two nodes: {@code mending}, whose Hazelcast refuses chosen leaves and whose store refuses chosen
 * events, checks its rooms only every hour, so what it mends it mends from the rooms in doubt (every
 * second); {@code sweeping} checks all its rooms every second.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Mending rooms whose state disagrees with a node's connections")
class SessionRepairTest {

  private static final Nodes NODES = new Nodes("session-repair-test", 5890);
  private static final RefusingHistory HISTORY = new RefusingHistory();
  private static RefusingHazelcast refusing;
  private static ClusterNode mending;
  private static ClusterNode sweeping;
  private static Metrics sweepingMetrics;

  /** The node's history, refusing one room's presence events while told to, as a store that is down. */
  static final class RefusingHistory extends ForwardingHistory {
    private volatile String refusedRoom;

    RefusingHistory() {
      super(new InMemoryRoomHistory(100, 3600));
    }

    private boolean refuses(String roomId, String event) {
      return roomId.equals(refusedRoom) && (Event.USER_JOINED.equals(event) || Event.USER_LEFT.equals(event));
    }

    private static <T> Future<T> unavailable() {
      return Future.failedFuture(ErrorCode.UNAVAILABLE.exception("the store is unavailable"));
    }

    @Override
    public Future<JsonObject> append(String roomId, String event, JsonObject data) {
      return refuses(roomId, event) ? unavailable() : inner.append(roomId, event, data);
    }

    @Override
    public Future<PresenceAppend> appendPresence(String roomId, String event, JsonObject data, long version, String id) {
      return refuses(roomId, event) ? unavailable() : inner.appendPresence(roomId, event, data, version, id);
    }
  }

  @BeforeAll
  static void deploy() {
    mending = NODES.start().await();
    refusing = new RefusingHazelcast(mending.hazelcast());
    mending.vertx().deployVerticle(new SessionVerticle(refusing.instance(), HISTORY),
      new DeploymentOptions().setConfig(new JsonObject().put("sweepIntervalSeconds", 3600))).await();
    sweeping = NODES.start().await();
    sweepingMetrics = Metrics.create();
    sweeping.vertx().deployVerticle(
      new SessionVerticle(sweeping.hazelcast(), new InMemoryRoomHistory(100, 3600), sweepingMetrics, RoomRules.open()),
      new DeploymentOptions().setConfig(new JsonObject().put("sweepIntervalSeconds", 1))).await();
  }

  @AfterAll
  static void close() {
    NODES.closeAll().await();
  }

  private static List<String> userIds(JsonArray participants) {
    return participants.stream().map(p -> ((JsonObject) p).getString("userId")).toList();
  }

  private static List<String> participantsOf(BusProbe.Received received) {
    return userIds(received.body().getJsonObject("data").getJsonArray("participants"));
  }

  /** A connection of a learner to the mending node. */
  private static TestConnection onMending(String userId) {
    return new TestConnection(mending.vertx(), userId, userId, "learner");
  }

  /**
   * Joins a newcomer to the room on the mending node, and answers its join reply once its user-joined
   * arrived: whatever was announced in the room before it has arrived too.
   */
  private static Future<JsonObject> marker(BusProbe probe, String room, String newcomer) {
    return onMending(newcomer).join(room)
      .compose(reply -> probe.next(event(Event.USER_JOINED, newcomer)).map(reply));
  }

  private static String idOf(ClusterNode node) {
    return dev.skillbus.cluster.Nodes.localId(node.hazelcast());
  }

  /** The node's connections that the room's cluster-wide state holds. */
  private static Future<Set<String>> heldBy(ClusterNode node, String room) {
    IMap<String, RoomState> rooms = node.hazelcast().getMap(RoomRegistry.ROOMS);
    return node.vertx().executeBlocking(() -> {
      RoomState state = rooms.get(room);
      return state == null ? Set.of() : state.connectionIdsOf(idOf(node));
    });
  }

  /** Runs a change on the room's state directly, as Hazelcast or a failed call would leave it. */
  private static Future<RoomChange> change(ClusterNode node, String room,
                                           EntryProcessor<String, RoomState, RoomChange> processor) {
    IMap<String, RoomState> rooms = node.hazelcast().getMap(RoomRegistry.ROOMS);
    return node.vertx().executeBlocking(() -> rooms.executeOnKey(room, processor));
  }

  @Test
  @DisplayName("a connection whose leave the cluster refused as it closed is taken out within a second, and peers see user-left once")
  void closedConnectionWhoseLeaveFailed(VertxTestContext ctx) {
    String room = "room-" + UUID.randomUUID();
    TestConnection alice = onMending("alice");
    TestConnection bob = onMending("bob");
    BusProbe probe = BusProbe.listen(mending.vertx(), Address.room(room)).await();
    bob.join(room).await();
    alice.join(room).await();
    refusing.refuseLeaves(alice.connId(), 1);
    mending.vertx().eventBus().request(Address.CONNECTION_CLOSED, new JsonObject().put("connId", alice.connId()))
      .onComplete(ctx.failing(err -> ctx.verify(() -> assertThat(refusing.refused(alice.connId())).isEqualTo(1))))
      .transform(closed -> Eventually.holds(mending.vertx(), 100, 5_000,
        () -> heldBy(mending, room).map(held -> !held.contains(alice.connId()))))
      .compose(v -> probe.next(event(Event.USER_LEFT, "alice")).timeout(5, TimeUnit.SECONDS))
      .onComplete(ctx.succeeding(left -> ctx.verify(() -> assertThat(participantsOf(left)).containsExactly("bob"))))
      .compose(left -> marker(probe, room, "carol"))
      .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
        assertThat(userIds(reply.getJsonArray("participants"))).containsExactly("bob", "carol");
        assertThat(probe.all(event(Event.USER_LEFT, "alice"))).hasSize(1);
        ctx.completeNow();
      })));
  }

  @Test
  @DisplayName("a retried leave whose change the cluster refused fails again until the room no longer holds the connection")
  void retriedLeave(VertxTestContext ctx) {
    String room = "room-" + UUID.randomUUID();
    TestConnection dan = onMending("dan");
    TestConnection eve = onMending("eve");
    BusProbe probe = BusProbe.listen(mending.vertx(), Address.room(room)).await();
    eve.join(room).await();
    dan.join(room).await();
    refusing.refuseLeaves(dan.connId(), Integer.MAX_VALUE);
    dan.leave(room)
      .transform(first -> dan.leave(room))
      .onComplete(ctx.failing(err -> ctx.verify(() -> assertThat(refusing.refused(dan.connId())).isGreaterThanOrEqualTo(2))))
      .transform(retried -> heldBy(mending, room))
      .onComplete(ctx.succeeding(held -> ctx.verify(() -> assertThat(held).contains(dan.connId()))))
      .compose(held -> {
        refusing.takeLeaves(dan.connId());
        return dan.leave(room);
      })
      .compose(reply -> heldBy(mending, room))
      .onComplete(ctx.succeeding(held -> ctx.verify(() -> assertThat(held).containsExactly(eve.connId()))))
      .compose(held -> probe.next(event(Event.USER_LEFT, "dan")).timeout(5, TimeUnit.SECONDS))
      .onComplete(ctx.succeeding(left -> ctx.verify(() -> assertThat(participantsOf(left)).containsExactly("eve"))))
      .compose(left -> marker(probe, room, "fay"))
      .onComplete(ctx.succeeding(marker -> ctx.verify(() -> {
        assertThat(probe.all(event(Event.USER_LEFT, "dan"))).hasSize(1);
        ctx.completeNow();
      })));
  }

  /** A connection of a learner to the sweeping node. */
  private static TestConnection onSweeping(String userId) {
    return new TestConnection(sweeping.vertx(), userId, userId, "learner");
  }

  /**
   * Once the mending node no longer records the room (it has no connection there, and the room is
   * no longer in doubt, so it checks it no more), joins a newcomer through the sweeping node and
   * answers once its user-joined arrived: every user-left the mending node announced has arrived too.
   */
  private static Future<Void> mendingDone(BusProbe probe, String room, String newcomer) {
    MultiMap<String, String> nodeRooms = mending.hazelcast().getMultiMap(RoomRegistry.NODE_ROOMS);
    return Eventually.holds(mending.vertx(), 100, 5_000,
        () -> mending.vertx().executeBlocking(() -> !nodeRooms.containsEntry(idOf(mending), room)))
      .compose(v -> onSweeping(newcomer).join(room))
      .compose(reply -> probe.next(event(Event.USER_JOINED, newcomer)))
      .mapEmpty();
  }

  /**
   * Once the leave answers 503, runs {@code next}, then expects the user's user-left, listing only
   * {@code staying}, and no second one once the mending node is done with the room.
   */
  private static void leftOnce(VertxTestContext ctx, BusProbe probe, String room, String userId, String staying,
                               Future<JsonObject> failedLeave, Supplier<Future<?>> next) {
    failedLeave
      .onComplete(ctx.failing(err -> ctx.verify(() -> assertThat(ErrorCode.of(err)).isEqualTo(ErrorCode.UNAVAILABLE))))
      .transform(failed -> next.get())
      .compose(v -> probe.next(event(Event.USER_LEFT, userId)).timeout(5, TimeUnit.SECONDS))
      .onComplete(ctx.succeeding(left -> ctx.verify(() -> assertThat(participantsOf(left)).containsExactly(staying))))
      .compose(left -> mendingDone(probe, room, userId + "-after"))
      .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
        assertThat(probe.all(event(Event.USER_LEFT, userId))).hasSize(1);
        ctx.completeNow();
      })));
  }

  @Test
  @DisplayName("a leave the cluster made but answered as failed is announced with user-left once, the check finding the connection gone")
  void leaveMadeButReportedFailed(VertxTestContext ctx) {
    String room = "room-" + UUID.randomUUID();
    TestConnection mia = onMending("mia");
    BusProbe probe = BusProbe.listen(mending.vertx(), Address.room(room)).await();
    onSweeping("ned").join(room).await();
    mia.join(room).await();
    refusing.loseLeaveReplies(mia.connId(), 1);
    leftOnce(ctx, probe, room, "mia", "ned", mia.leave(room), Future::succeededFuture);
  }

  @Test
  @DisplayName("a leave made but answered as failed, then sent again, succeeds and is announced with user-left once")
  void leaveMadeButReportedFailedSentAgain(VertxTestContext ctx) {
    String room = "room-" + UUID.randomUUID();
    TestConnection pat = onMending("pat");
    BusProbe probe = BusProbe.listen(mending.vertx(), Address.room(room)).await();
    onSweeping("quin").join(room).await();
    pat.join(room).await();
    refusing.loseLeaveReplies(pat.connId(), 1);
    leftOnce(ctx, probe, room, "pat", "quin", pat.leave(room), () -> pat.leave(room));
  }

  @Test
  @DisplayName("a leave made but answered as failed, of a user whose other connection then leaves, ends with one user-left")
  void leaveMadeButReportedFailedThenLastConnectionLeaves(VertxTestContext ctx) {
    String room = "room-" + UUID.randomUUID();
    TestConnection sam = onMending("sam");
    TestConnection samAgain = onMending("sam");
    BusProbe probe = BusProbe.listen(mending.vertx(), Address.room(room)).await();
    onSweeping("tia").join(room).await();
    sam.join(room).await();
    samAgain.join(room).await();
    refusing.loseLeaveReplies(sam.connId(), 1);
    // The first leave leaves sam another connection: it owes no user-left; the second leave's does.
    leftOnce(ctx, probe, room, "sam", "tia", sam.leave(room), () -> samAgain.leave(room));
  }

  @Test
  @DisplayName("a connection that closed while its join was on its way, whose join then failed half-way, is taken out")
  void joinTakenBackHalfWay(VertxTestContext ctx) {
    String room = "room-" + UUID.randomUUID();
    TestConnection jan = onMending("jan");
    TestConnection kim = onMending("kim");
    BusProbe probe = BusProbe.listen(mending.vertx(), Address.room(room)).await();
    kim.join(room).await();
    CompletableFuture<Void> gate = refusing.holdJoins(jan.connId());
    HISTORY.refusedRoom = room;
    // The close's leave reaches the room's state before the join does, and finds nothing; the join's
    // user-joined is then refused, and the join fails with jan no longer among the node's connections.
    Future<JsonObject> joined = jan.join(room);
    mending.vertx().eventBus().request(Address.CONNECTION_CLOSED, new JsonObject().put("connId", jan.connId()))
      .compose(closed -> {
        gate.complete(null);
        return joined.transform(ar -> Future.succeededFuture(ar.cause()));
      })
      .onComplete(ctx.succeeding(err -> ctx.verify(() -> assertThat(ErrorCode.of(err)).isEqualTo(ErrorCode.UNAVAILABLE))))
      .compose(err -> Eventually.holds(mending.vertx(), 100, 5_000,
        () -> heldBy(mending, room).map(held -> held.equals(Set.of(kim.connId())))))
      .compose(v -> {
        HISTORY.refusedRoom = null;
        return marker(probe, room, "lou");
      })
      .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
        assertThat(userIds(reply.getJsonArray("participants"))).containsExactly("kim", "lou");
        // Peers never saw jan join; his user-left cancelled out with it, or came once if the store took it first.
        assertThat(probe.all(event(Event.USER_JOINED, "jan"))).isEmpty();
        assertThat(probe.all(event(Event.USER_LEFT, "jan"))).hasSizeLessThanOrEqualTo(1);
        ctx.completeNow();
      })));
  }

  @Test
  @DisplayName("a room left while the store refuses its user-left leaves the node's record at once, and the event follows once the store takes it")
  void untrackedWhileTheStoreRefuses(VertxTestContext ctx) {
    String room = "room-" + UUID.randomUUID();
    TestConnection gus = onMending("gus");
    MultiMap<String, String> nodeRooms = mending.hazelcast().getMultiMap(RoomRegistry.NODE_ROOMS);
    BusProbe probe = BusProbe.listen(mending.vertx(), Address.room(room)).await();
    gus.join(room).await();
    HISTORY.refusedRoom = room;
    gus.leave(room)
      .onComplete(ctx.failing(err -> ctx.verify(() -> assertThat(ErrorCode.of(err)).isEqualTo(ErrorCode.UNAVAILABLE))))
      .transform(refused -> mending.vertx().executeBlocking(() -> nodeRooms.containsEntry(idOf(mending), room)))
      .onComplete(ctx.succeeding(recorded -> ctx.verify(() -> assertThat(recorded).isFalse())))
      .compose(recorded -> {
        HISTORY.refusedRoom = null;
        return probe.next(event(Event.USER_LEFT, "gus")).timeout(5, TimeUnit.SECONDS);
      })
      .onComplete(ctx.succeeding(left -> ctx.verify(() -> {
        assertThat(participantsOf(left)).isEmpty();
        ctx.completeNow();
      })));
  }

  @Test
  @DisplayName("an entry of this node for a connection it does not hold is taken out by the sweep and announced once; later sweeps change nothing about it")
  void staleEntrySwept(VertxTestContext ctx) {
    String room = "room-" + UUID.randomUUID();
    TestConnection hal = new TestConnection(sweeping.vertx(), "hal", "Hal", "learner");
    BusProbe probe = BusProbe.listen(sweeping.vertx(), Address.room(room)).await();
    hal.join(room).await();
    double removedBefore = repairs(RoomRepair.REMOVED);
    // What a failed leave leaves behind: the room's state names this node for a connection it does not hold.
    Connection ghost = new Connection("closed-" + UUID.randomUUID(), "ida", "Ida", "learner", idOf(sweeping),
      System.currentTimeMillis());
    change(sweeping, room, new RoomProcessors.Join(ghost))
      .compose(v -> Eventually.holds(sweeping.vertx(), 100, 10_000,
        () -> heldBy(sweeping, room).map(held -> held.equals(Set.of(hal.connId())))))
      .compose(v -> probe.next(event(Event.USER_LEFT, "ida")))
      .onComplete(ctx.succeeding(left -> ctx.verify(() -> {
        assertThat(participantsOf(left)).containsExactly("hal");
        assertThat(repairs(RoomRepair.REMOVED)).isEqualTo(removedBefore + 1);
      })))
      // hal's own entry lost: a later sweep writes it back, which shows it ran and left ida alone.
      .compose(left -> change(sweeping, room, RoomProcessors.Leave.connection(hal.connId())))
      .compose(v -> Eventually.holds(sweeping.vertx(), 100, 10_000,
        () -> Future.succeededFuture(probe.all(event(Event.USER_JOINED, "hal")).size() == 2)))
      .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
        assertThat(probe.all(event(Event.USER_LEFT, "ida"))).hasSize(1);
        assertThat(repairs(RoomRepair.REMOVED)).isEqualTo(removedBefore + 1);
        ctx.completeNow();
      })));
  }

  /** The sweeping node's {@code skillbus_cluster_repairs_total} of one kind. */
  private static double repairs(String kind) {
    return sweepingMetrics.registry().counter("skillbus.cluster.repairs", "kind", kind).count();
  }
}
