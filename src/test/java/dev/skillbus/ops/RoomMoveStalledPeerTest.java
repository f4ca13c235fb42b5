package dev.skillbus.ops;

import static dev.skillbus.testing.Servers.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.Skillbus;
import dev.skillbus.testing.BridgeClient;
import dev.skillbus.testing.RestClient.Answer;
import dev.skillbus.testing.Servers;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * An admin's move while another node is stalled, with the default {@code OPS_NODE_TIMEOUT_MS} (2 s):
 * the user's node subscribes the connection to the new room and waits for the stalled node to route
 * it (up to 3 s), and its answer must still count.
 */
@DisplayName("An admin's move while another node does not answer")
class RoomMoveStalledPeerTest {

  static Skillbus a;
  static Skillbus b;

  static JsonObject config(int port) {
    return OpsClusterFixture.adminConfig("room-move-stalled-test", port, 6413, 6414);
  }

  @BeforeAll
  static void start() throws Exception {
    a = Servers.start(config(6413));
    b = Servers.start(config(6414));
    OpsClusterFixture.awaitBothUp(a, b);
  }

  @AfterAll
  static void stop() throws Exception {
    Future.join(a.close(), b.close()).await(60, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("moves the user's connection on a node that answers after waiting for the stalled one's routes: 200, not 503")
  void movedWhileAPeerStalls() throws Exception {
    BridgeClient ruth = await(BridgeClient.connectAs(a.node().vertx(), a.port(), "ms-ruth", "learner"));
    await(ruth.call("session.leave", new JsonObject().put("sessionId", "none")));
    // Node B takes requests to route a new subscription and never answers them, as a stalled node.
    String routes = "bridge.node." + b.node().nodeId() + ".route";
    Handler<DeliveryContext<Object>> stalled = delivery -> {
      if (!routes.equals(delivery.message().address())) {
        delivery.next();
      }
    };
    b.node().vertx().eventBus().addInboundInterceptor(stalled);
    try {
      Answer moved = await(OpsClusterFixture.admin(a).post("/socket/rooms/join",
        new JsonObject().put("roomId", "ms-room").put("userId", "ms-ruth")));
      assertThat(moved.status()).isEqualTo(200);
      assertThat(moved.body().getInteger("connections")).isEqualTo(1);
      assertThat(moved.body().getBoolean("complete")).isTrue();
      await(ruth.event("room.ms-room", "session-joined"));
    } finally {
      b.node().vertx().eventBus().removeInboundInterceptor(stalled);
      ruth.close();
    }
  }
}
