package dev.skillbus.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.ClusterNode;
import dev.skillbus.protocol.Inbound;
import dev.skillbus.store.InMemoryRoomHistory;
import dev.skillbus.testing.Eventually;
import dev.skillbus.testing.Nodes;
import dev.skillbus.testing.TestConnection;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Forgetting idle rooms")
class SessionSweeperTest {

  private static final Nodes NODES = new Nodes("session-sweeper-test", 5850);
  private static ClusterNode node;
  private static InMemoryRoomHistory history;

  @BeforeAll
  static void deploy() {
    node = NODES.start().await();
    history = new InMemoryRoomHistory(100, 3600);
    JsonObject config = new JsonObject().put("roomIdleSeconds", 1).put("sweepIntervalSeconds", 1);
    node.vertx().deployVerticle(new SessionVerticle(node.hazelcast(), history),
      new DeploymentOptions().setConfig(config)).await();
  }

  @AfterAll
  static void close() {
    NODES.closeAll().await();
  }

  @Test
  @DisplayName("the history of a room left empty for the idle time is forgotten, that of an occupied room kept")
  void idleRoomsAreForgotten(VertxTestContext ctx) {
    TestConnection bob = new TestConnection(node.vertx(), "bob", "Bob", "learner");
    TestConnection alice = new TestConnection(node.vertx(), "alice", "Alice", "learner");
    // bob's room is used first, so it is idle at least as long as alice's when hers is forgotten.
    JsonObject occupied = bob.request(Inbound.SESSION_JOIN.address(), new JsonObject().put("sessionId", "occupied")).await();
    JsonObject emptied = alice.request(Inbound.SESSION_JOIN.address(), new JsonObject().put("sessionId", "emptied")).await();
    alice.request(Inbound.SESSION_LEAVE.address(), new JsonObject().put("sessionId", "emptied")).await();
    Eventually.holds(node.vertx(), 200, 10_000, () -> history.position("emptied")
        .map(pos -> !pos.epoch().equals(emptied.getString("epoch"))))
      .compose(v -> history.position("occupied"))
      .onComplete(ctx.succeeding(pos -> ctx.verify(() -> {
        assertThat(pos.epoch()).isEqualTo(occupied.getString("epoch"));
        assertThat(pos.seq()).isEqualTo(1L);
        ctx.completeNow();
      })));
  }
}
