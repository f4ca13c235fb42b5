package dev.skillbus.session;

import static dev.skillbus.testing.BusProbe.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.ClusterNode;
import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.ErrorCode;
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
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A node that stops right after a leave of one of its connections failed although Hazelcast made
 * it: the room check that would have found it made (within a second) no longer runs, so the node's
 * own stop announces the {@code user-left} it owes. The same when the stop's own removal of its
 * connections is made but answered as failed: done again, it finds nothing to remove, nor does the
 * other nodes' cleanup after this one, so the stop announces its users gone. Each test stops a
 * session part of its own on the stopping node.
 */
@DisplayName("A node that stops right after a leave or removal that was made but answered as failed")
class StopAfterUnsureLeaveTest {

  private static final Nodes NODES = new Nodes("stop-unsure-test", 6620);
  private static ClusterNode stopping;
  private static ClusterNode staying;
  private static RefusingHazelcast refusing;

  @BeforeAll
  static void deploy() {
    stopping = NODES.start().await();
    refusing = new RefusingHazelcast(stopping.hazelcast());
    staying = NODES.start().await();
    staying.vertx().deployVerticle(new SessionVerticle(staying.hazelcast(), new InMemoryRoomHistory(100, 3600)),
      new DeploymentOptions().setConfig(new JsonObject().put("sweepIntervalSeconds", 3600))).await();
  }

  @AfterAll
  static void close() {
    NODES.closeAll().await();
  }

  /** Deploys a session part on the stopping node; its deployment id. */
  private static String sessionOnStopping() {
    return stopping.vertx().deployVerticle(new SessionVerticle(refusing.instance(), new InMemoryRoomHistory(100, 3600)),
      new DeploymentOptions().setConfig(new JsonObject().put("sweepIntervalSeconds", 3600))).await();
  }

  private static void leftWithParticipants(BusProbe probe, String userId, String... participants) throws Exception {
    BusProbe.Received left = probe.next(event(Event.USER_LEFT, userId)).timeout(5, TimeUnit.SECONDS)
      .await(10, TimeUnit.SECONDS);
    assertThat(left.body().getJsonObject("data").getJsonArray("participants").stream()
      .map(p -> ((JsonObject) p).getString("userId")).toList()).as(userId).containsExactly(participants);
  }

  /** Stops the session part, within what its bounded tries take and well before Hazelcast's own operation timeout (60 s). */
  private static void stop(String deployment) throws Exception {
    stopping.vertx().undeploy(deployment).await(3 * NodeDepartures.STOP_TRY_MS + 10_000, TimeUnit.MILLISECONDS);
  }

  /** Closes the connection as a node's bridge, stopping first, does; returns once its leave reached the room's state. */
  private static void closeUntilLeaveAsked(TestConnection connection) throws Exception {
    int asked = refusing.leavesAsked(connection.connId());
    stopping.vertx().eventBus().send(Address.CONNECTION_CLOSED, new JsonObject().put("connId", connection.connId()));
    Eventually.holds(stopping.vertx(), 20, 10_000, () -> Future.succeededFuture(refusing.leavesAsked(connection.connId()) > asked))
      .await(15, TimeUnit.SECONDS);
  }

  /**
   * Joins a newcomer through the staying node and waits for its user-joined, which comes after
   * anything announced before it; then each user must have had one user-left.
   */
  private static void leftOnceEach(BusProbe probe, String room, String... userIds) throws Exception {
    new TestConnection(staying.vertx(), "ola", "Ola", "learner").join(room).await(10, TimeUnit.SECONDS);
    probe.next(event(Event.USER_JOINED, "ola")).await(10, TimeUnit.SECONDS);
    for (String userId : userIds) {
      assertThat(probe.all(event(Event.USER_LEFT, userId))).as(userId).hasSize(1);
    }
  }

  @Test
  @DisplayName("announces the user-left it owes as it stops, once")
  void announcesOwedUserLeft() throws Exception {
    String deployment = sessionOnStopping();
    String room = "room-" + UUID.randomUUID();
    TestConnection mia = new TestConnection(stopping.vertx(), "mia", "Mia", "learner");
    TestConnection ned = new TestConnection(staying.vertx(), "ned", "Ned", "learner");
    BusProbe probe = BusProbe.listen(staying.vertx(), Address.room(room)).await();
    ned.join(room).await(10, TimeUnit.SECONDS);
    mia.join(room).await(10, TimeUnit.SECONDS);
    refusing.loseLeaveReplies(mia.connId(), 1);
    Throwable failed = mia.leave(room).transform(ar -> Future.succeededFuture(ar.cause())).await(10, TimeUnit.SECONDS);
    assertThat(ErrorCode.of(failed)).isEqualTo(ErrorCode.UNAVAILABLE);
    // At once, before the check of rooms in doubt (every second) runs.
    stop(deployment);

    leftWithParticipants(probe, "mia", "ned");
    leftOnceEach(probe, room, "mia");
  }

  @Test
  @DisplayName("announces its users left when its removal of its connections was made but answered as failed, once each")
  void announcesUsersOfALostRemoval() throws Exception {
    String deployment = sessionOnStopping();
    String room = "room-" + UUID.randomUUID();
    TestConnection pia = new TestConnection(stopping.vertx(), "pia", "Pia", "learner");
    TestConnection max = new TestConnection(stopping.vertx(), "max", "Max", "learner");
    TestConnection ned = new TestConnection(staying.vertx(), "ned", "Ned", "learner");
    BusProbe probe = BusProbe.listen(staying.vertx(), Address.room(room)).await();
    ned.join(room).await(10, TimeUnit.SECONDS);
    pia.join(room).await(10, TimeUnit.SECONDS);
    max.join(room).await(10, TimeUnit.SECONDS);
    refusing.loseNodeLeaveReplies(stopping.nodeId(), 1);

    stop(deployment);

    leftWithParticipants(probe, "pia", "ned");
    leftWithParticipants(probe, "max", "ned");
    leftOnceEach(probe, room, "pia", "max");
  }

  @Test
  @DisplayName("does not wait for a removal of its connections that gets no answer: tried again, it announces its users left")
  void removalWithNoAnswer() throws Exception {
    String deployment = sessionOnStopping();
    String room = "room-" + UUID.randomUUID();
    TestConnection rae = new TestConnection(stopping.vertx(), "rae", "Rae", "learner");
    TestConnection ned = new TestConnection(staying.vertx(), "ned", "Ned", "learner");
    BusProbe probe = BusProbe.listen(staying.vertx(), Address.room(room)).await();
    ned.join(room).await(10, TimeUnit.SECONDS);
    rae.join(room).await(10, TimeUnit.SECONDS);
    CompletableFuture<Void> reply = refusing.holdLeaveReply(stopping.nodeId());

    try {
      stop(deployment);
      leftWithParticipants(probe, "rae", "ned");
    } finally {
      reply.complete(null);
    }
    leftOnceEach(probe, room, "rae");
  }

  @Test
  @DisplayName("announces the user-left of a connection closed as it stops, whose leave was made but has no answer, once")
  void leaveUnderWayWithNoAnswer() throws Exception {
    String deployment = sessionOnStopping();
    String room = "room-" + UUID.randomUUID();
    TestConnection sol = new TestConnection(stopping.vertx(), "sol", "Sol", "learner");
    TestConnection ned = new TestConnection(staying.vertx(), "ned", "Ned", "learner");
    BusProbe probe = BusProbe.listen(staying.vertx(), Address.room(room)).await();
    ned.join(room).await(10, TimeUnit.SECONDS);
    sol.join(room).await(10, TimeUnit.SECONDS);
    CompletableFuture<Void> reply = refusing.holdLeaveReply(sol.connId());
    // The leave is made, its answer held.
    closeUntilLeaveAsked(sol);

    try {
      stop(deployment);
      leftWithParticipants(probe, "sol", "ned");
    } finally {
      reply.complete(null);
    }
    leftOnceEach(probe, room, "sol");
  }

  @Test
  @DisplayName("announces no user-left again for a leave under way whose user another leave announced gone")
  void leaveUnderWaySettledByAnother() throws Exception {
    String deployment = sessionOnStopping();
    String room = "room-" + UUID.randomUUID();
    TestConnection uma = new TestConnection(stopping.vertx(), "uma", "Uma", "learner");
    TestConnection umaAgain = new TestConnection(stopping.vertx(), "uma", "Uma", "learner");
    TestConnection zed = new TestConnection(stopping.vertx(), "zed", "Zed", "learner");
    TestConnection ned = new TestConnection(staying.vertx(), "ned", "Ned", "learner");
    BusProbe probe = BusProbe.listen(staying.vertx(), Address.room(room)).await();
    ned.join(room).await(10, TimeUnit.SECONDS);
    uma.join(room).await(10, TimeUnit.SECONDS);
    umaAgain.join(room).await(10, TimeUnit.SECONDS);
    zed.join(room).await(10, TimeUnit.SECONDS);
    CompletableFuture<Void> reply = refusing.holdLeaveReply(uma.connId());
    // Uma's first connection leaves (made, naming nobody: her other one stays; its answer held),
    // then her other one, whose leave announces her gone.
    closeUntilLeaveAsked(uma);
    stopping.vertx().eventBus().send(Address.CONNECTION_CLOSED, new JsonObject().put("connId", umaAgain.connId()));
    leftWithParticipants(probe, "uma", "ned", "zed");
    // A busy room: her user-left is more than the 100 events back that an owed one looks at.
    for (int i = 0; i < 110; i++) {
      zed.request(Inbound.SESSION_MESSAGE.address(), new JsonObject().put("sessionId", room).put("text", "m" + i))
        .await(10, TimeUnit.SECONDS);
    }

    try {
      stop(deployment);
      leftWithParticipants(probe, "zed", "ned");
    } finally {
      reply.complete(null);
    }
    leftOnceEach(probe, room, "uma");
  }
}
