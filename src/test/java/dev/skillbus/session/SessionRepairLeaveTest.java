package dev.skillbus.session;

import static dev.skillbus.testing.BusProbe.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.multimap.MultiMap;
import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.Event;
import dev.skillbus.testing.BusProbe;
import dev.skillbus.testing.Eventually;
import dev.skillbus.testing.TestConnection;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Leaves the cluster refused, or made but answered as failed: the room no longer holds the
 * connection in the end, and peers see its user-left once.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Mending rooms whose state disagrees with a node's connections: leaves refused or answered as failed")
class SessionRepairLeaveTest extends SessionRepairFixture {

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
                               Future<?> failedLeave, Supplier<Future<?>> next) {
    leftOnce(ctx, probe, room, List.of(userId), staying, failedLeave, next);
  }

  /** The same for several users, whose leaves {@code failedLeave} stands for. */
  private static void leftOnce(VertxTestContext ctx, BusProbe probe, String room, List<String> userIds, String staying,
                               Future<?> failedLeave, Supplier<Future<?>> next) {
    Future<?> lefts = failedLeave
      .onComplete(ctx.failing(err -> ctx.verify(() -> assertThat(ErrorCode.of(err)).isEqualTo(ErrorCode.UNAVAILABLE))))
      .transform(failed -> next.get());
    for (String userId : userIds) {
      lefts = lefts.compose(v -> probe.next(event(Event.USER_LEFT, userId)).timeout(5, TimeUnit.SECONDS))
        .onComplete(ctx.succeeding(left -> ctx.verify(() -> assertThat(participantsOf(left)).as(userId).containsExactly(staying))));
    }
    lefts.compose(left -> mendingDone(probe, room, userIds.get(0) + "-after"))
      .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
        for (String userId : userIds) {
          assertThat(probe.all(event(Event.USER_LEFT, userId))).as(userId).hasSize(1);
        }
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
  @DisplayName("leaves of two users made but answered as failed at once are each announced with user-left once")
  void leavesOfTwoUsersMadeButReportedFailed(VertxTestContext ctx) {
    String room = "room-" + UUID.randomUUID();
    TestConnection uma = onMending("uma");
    TestConnection vic = onMending("vic");
    BusProbe probe = BusProbe.listen(mending.vertx(), Address.room(room)).await();
    onSweeping("wes").join(room).await();
    uma.join(room).await();
    vic.join(room).await();
    refusing.loseLeaveReplies(uma.connId(), 1);
    refusing.loseLeaveReplies(vic.connId(), 1);
    // Found by the same check, mostly: the first one announced must not hide the second.
    leftOnce(ctx, probe, room, List.of("uma", "vic"), "wes", Future.join(uma.leave(room), vic.leave(room)),
      Future::succeededFuture);
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
}
