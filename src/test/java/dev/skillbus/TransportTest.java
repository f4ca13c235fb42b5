package dev.skillbus;

import static dev.skillbus.testing.Servers.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.skillbus.testing.BridgeClient;
import dev.skillbus.testing.Servers;
import io.vertx.core.json.JsonObject;
import io.vertx.core.transport.Transport;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Choosing the network transport")
class TransportTest {

  @Test
  @DisplayName("TRANSPORT reaches cluster.transport, and native is the default")
  void environment() {
    JsonObject config = Config.load(Map.of("SKILLBUS_CONFIG", "src/test/resources/no-settings.json", "TRANSPORT", "io_uring"));
    assertThat(config.getJsonObject("cluster").getString("transport")).isEqualTo("io_uring");
    JsonObject file = Config.load(Map.of());
    assertThat(file.getJsonObject("cluster").getString("transport")).isEqualTo("native");
  }

  @Test
  @DisplayName("nio is always there, native picks an available one, and an unknown name is refused")
  void names() {
    assertThat(ClusterNode.transport("nio")).isSameAs(Transport.NIO);
    assertThat(ClusterNode.transport("native").available()).isTrue();
    assertThatThrownBy(() -> ClusterNode.transport("turbo"))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nio, epoll, io_uring or native");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"nio", "epoll", "io_uring"})
  @DisplayName("a node on each transport this machine has serves HTTP and bridge requests")
  void serves(String name) throws Exception {
    Transport transport = ClusterNode.named(name);
    assumeThat(transport != null && transport.available()).as(name + " available here").isTrue();
    JsonObject config = Servers.config("transport-test-" + name, 6040, 6040, 6040);
    config.getJsonObject("cluster").put("transport", name);
    Skillbus node = Servers.start(config);
    try {
      assertThat(await(Servers.health(node)).status()).isEqualTo(200);
      BridgeClient client = await(BridgeClient.connectAs(node.node().vertx(), node.port(), "tr-" + name, "learner"));
      client.register("room.transport-room");
      JsonObject joined = await(client.call("session.join", new JsonObject().put("sessionId", "transport-room")));
      assertThat(joined.getString("sessionId")).isEqualTo("transport-room");
      await(client.close());
    } finally {
      node.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("an unknown transport stops the node from starting, naming the setting")
  void unknown() {
    JsonObject config = Servers.config("transport-test-bad", 6041, 6041, 6041);
    config.getJsonObject("cluster").put("transport", "warp");
    assertThatThrownBy(() -> Servers.start(config)).hasMessageContaining("cluster.transport");
  }
}
