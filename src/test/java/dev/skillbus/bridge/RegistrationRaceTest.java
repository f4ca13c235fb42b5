package dev.skillbus.bridge;

import static dev.skillbus.testing.Servers.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.Skillbus;
import dev.skillbus.testing.BridgeClient;
import dev.skillbus.testing.Servers;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Registrations that end before they are in place: a socket that closes with a join still waiting
 * for its register, and a client that registers and unregisters quickly. Neither leaves anything
 * behind or keeps the connection's requests waiting for the routing deadline.
 */
@DisplayName("Registrations that end before they are in place")
class RegistrationRaceTest {

  /** How long a registration waits at most for every node to route it. */
  static final long ROUTE_DEADLINE_MS = BridgeVerticle.ROUTE_CONFIRM_DEADLINE_MS;
  static Skillbus node;
  static Vertx vertx;

  @BeforeAll
  static void start() throws Exception {
    node = Servers.start(Servers.config("registration-race-test", 6330, 6330, 6330));
    vertx = node.node().vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close().await(30, TimeUnit.SECONDS);
  }

  static JsonObject join(String roomId) {
    return new JsonObject().put("sessionId", roomId);
  }

  @Test
  @DisplayName("a socket that closes right after register and join is in no room, also once the routing deadline passed")
  void closeWhileJoinWaits() throws Exception {
    for (int i = 0; i < 5; i++) {
      BridgeClient ghost = await(BridgeClient.connectAs(vertx, node.port(), "ghost", "learner"));
      ghost.register("room.ghost-room");
      ghost.request("session.join", join("ghost-room"));
      await(ghost.close());
    }
    // A join held back for the register would have gone out at the deadline at the latest: the
    // deadline passing is the condition here.
    long closedAt = System.nanoTime();
    BridgeClient witness = await(BridgeClient.connectAs(vertx, node.port(), "witness", "learner"));
    long waited = (System.nanoTime() - closedAt) / 1_000_000;
    await(vertx.timer(Math.max(1, ROUTE_DEADLINE_MS + 1000 - waited)));
    witness.register("room.ghost-room");
    JsonObject reply = await(witness.call("session.join", join("ghost-room")));
    assertThat(reply.getJsonArray("participants").stream().map(p -> ((JsonObject) p).getString("userId")))
      .containsExactly("witness");
    witness.close();
  }

  @Test
  @DisplayName("after registers undone at once, the connection's next request is answered without waiting out the deadline")
  void registerThenUnregister() throws Exception {
    BridgeClient client = await(BridgeClient.connectAs(vertx, node.port(), "flip", "learner"));
    for (int i = 0; i < 20; i++) {
      client.register("room.flip-" + i);
      client.unregister("room.flip-" + i);
    }
    long sent = System.nanoTime();
    await(client.call("session.join", join("flip-final")));
    // Well short of the deadline, with room for a busy machine: it did not wait for it.
    assertThat((System.nanoTime() - sent) / 1_000_000).isLessThan(ROUTE_DEADLINE_MS - 1000);
    await(client.registered("room.flip-3"));
    await(client.call("session.join", join("flip-3")));
    client.close();
  }
}
