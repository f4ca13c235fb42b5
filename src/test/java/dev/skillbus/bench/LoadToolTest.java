package dev.skillbus.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skillbus.Skillbus;
import dev.skillbus.testing.Servers;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@ExtendWith(VertxExtension.class)
@DisplayName("The load tool")
class LoadToolTest {

  static final int HTTP_PORT = 6111;
  static final int CLUSTER_PORT = 6131;
  static final int NOTHING_LISTENS = 6112;
  static Skillbus node;

  @BeforeAll
  static void start() throws Exception {
    JsonObject config = Servers.config("loadtool-test", CLUSTER_PORT, CLUSTER_PORT, CLUSTER_PORT);
    config.getJsonObject("bridge").put("port", HTTP_PORT);
    // What is under test is the tool's counting: no cursor may be coalesced away on a busy machine,
    // not even when a stall lets three moves of one client arrive in the same millisecond.
    config.put("session", new JsonObject().put("cursorMaxPerSecond", 1_000_000_000));
    node = Servers.start(config);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close().await(30, TimeUnit.SECONDS);
  }

  static LoadOptions options(int port, String... more) {
    String[] base = {"--url", "http://127.0.0.1:" + port, "--rooms", "2", "--size", "3", "--rate", "5",
      "--warmup", "1", "--duration", "2", "--drain", "2", "--pid", String.valueOf(ProcessHandle.current().pid())};
    return LoadOptions.parse(Stream.concat(Stream.of(base), Stream.of(more)).toArray(String[]::new));
  }

  @ParameterizedTest(name = "in {0} mode")
  @CsvSource({"cursor, 60", "chat, 20"})
  @DisplayName("counts every message of a small load against a real node as delivered, with no loss")
  void deliversEverything(String mode, long sends, Vertx vertx) throws Exception {
    JsonObject result = new LoadRun(vertx, options(HTTP_PORT, "--mode", mode)).run().toJson();

    assertThat(result.getLong("sent")).isEqualTo(sends);
    assertThat(result.getLong("expected")).isPositive();
    assertThat(result.getLong("delivered")).isEqualTo(result.getLong("expected"));
    assertThat(result.getDouble("loss")).isZero();
    assertThat(result.getLong("errors")).isZero();
    assertThat(result.getLong("selfDeliveries")).isZero();
    assertThat(result.getLong("disconnects")).isZero();
    assertThat(result.getJsonObject("joinMs").getDouble("p99")).isNotNull();
    assertThat(result.getDouble("serverCpuSecs")).isNotNull();
  }

  @Test
  @DisplayName("fails with a message naming the node it could not reach")
  void failsWithoutNode(Vertx vertx) {
    assertThatThrownBy(() -> new LoadRun(vertx, options(NOTHING_LISTENS)).run())
      .hasMessageContaining("cannot get a token from http://127.0.0.1:" + NOTHING_LISTENS);
  }

  @Test
  @DisplayName("refuses an option it does not know, naming it")
  void refusesUnknownOption() {
    assertThatThrownBy(() -> LoadOptions.parse("--rooms", "2", "--sizes", "3"))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--sizes");
  }
}
