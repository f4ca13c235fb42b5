package dev.skillbus.session;

import static dev.skillbus.testing.BusProbe.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.multimap.MultiMap;
import dev.skillbus.ClusterNode;
import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.Event;
import dev.skillbus.testing.BusProbe;
import dev.skillbus.testing.Eventually;
import dev.skillbus.testing.TestConnection;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a join that failed half-way, a user-left the store refuses, or a failed leave leaves behind
 * in a room's state or the node's record is taken out, and peers are told at most once.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Mending rooms whose state disagrees with a node's connections: joins taken back, refused events and stale entries")
class SessionRepairStaleStateTest extends SessionRepairFixture {

  /** Runs a change on the room's state directly, as Hazelcast or a failed call would leave it. */
  private static Future<RoomChange> change(ClusterNode node, String room,
                                           EntryProcessor<String, RoomState, RoomChange> processor) {
    IMap<String, RoomState> rooms = node.hazelcast().getMap(RoomRegistry.ROOMS);
    return node.vertx().executeBlocking(() -> rooms.executeOnKey(room, processor));
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
    // What a failed leave leaves behind: the room's state names this node for a connection it does not
    // hold, whose user peers were told joined (the room's latest presence event lists her).
    Connection ghost = new Connection("closed-" + UUID.randomUUID(), "ida", "Ida", "learner", idOf(sweeping),
      System.currentTimeMillis());
    JsonObject idaJoined = new JsonObject().put("userId", "ida")
      .put("participants", new JsonArray().add(new JsonObject().put("userId", "hal")).add(new JsonObject().put("userId", "ida")));
    SWEEPING_HISTORY.append(room, Event.USER_JOINED, idaJoined)
      .compose(stored -> change(sweeping, room, new RoomProcessors.Join(ghost)))
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

  @Test
  @DisplayName("an entry brought back for a connection whose user-left was announced already (a healed network split) is taken out with no second user-left")
  void staleEntryOfAUserShownGone(VertxTestContext ctx) {
    String room = "room-" + UUID.randomUUID();
    TestConnection hal = new TestConnection(sweeping.vertx(), "hal", "Hal", "learner");
    TestConnection ida = new TestConnection(sweeping.vertx(), "ida", "Ida", "learner");
    BusProbe probe = BusProbe.listen(sweeping.vertx(), Address.room(room)).await();
    hal.join(room).await();
    ida.join(room).await();
    ida.leave(room).await();
    double removedBefore = repairs(RoomRepair.REMOVED);
    // The other side's copy of the room, from before ida left, kept when the sides merged.
    Connection stale = new Connection(ida.connId(), "ida", "Ida", "learner", idOf(sweeping), System.currentTimeMillis());
    probe.next(event(Event.USER_LEFT, "ida"))
      .compose(left -> change(sweeping, room, new RoomProcessors.Join(stale)))
      .compose(v -> Eventually.holds(sweeping.vertx(), 100, 10_000,
        () -> heldBy(sweeping, room).map(held -> held.equals(Set.of(hal.connId())))))
      .onComplete(ctx.succeeding(v -> ctx.verify(() -> assertThat(repairs(RoomRepair.REMOVED)).isEqualTo(removedBefore + 1))))
      // hal's own entry lost: a later check writes it back, once the one that took ida out is done.
      .compose(v -> change(sweeping, room, RoomProcessors.Leave.connection(hal.connId())))
      .compose(v -> Eventually.holds(sweeping.vertx(), 100, 10_000,
        () -> Future.succeededFuture(probe.all(event(Event.USER_JOINED, "hal")).size() == 2)))
      .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
        assertThat(probe.all(event(Event.USER_LEFT, "ida"))).hasSize(1);
        ctx.completeNow();
      })));
  }

  /** The sweeping node's {@code skillbus_cluster_repairs_total} of one kind. */
  private static double repairs(String kind) {
    return sweepingMetrics.registry().counter("skillbus.cluster.repairs", "kind", kind).count();
  }
}
