package dev.skillbus.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.Skillbus;
import dev.skillbus.testing.Servers;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The official {@code @vertx/eventbus-bridge-client.js} (with {@code sockjs-client}, over SockJS's
 * framed transport) against a real node: {@code src/test/node/bridge-client-check.js} drives two
 * clients through a room and prints what it saw.
 */
@DisplayName("The official JavaScript bridge client")
class BridgeClientCompatibilityTest {

  static Skillbus node;

  @BeforeAll
  static void start() throws Exception {
    node = Servers.start(Servers.config("js-client-test", 5961, 5961, 5961));
  }

  @AfterAll
  static void stop() throws Exception {
    node.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("joins, chats, sees cursors and leaves, and gets refusals on its callbacks")
  void worksUnchanged() throws Exception {
    File dir = new File("src/test/node");
    assertThat(new File(dir, "node_modules/@vertx/eventbus-bridge-client.js"))
      .as("npm ci in src/test/node (the build runs it)").exists();
    Process process = new ProcessBuilder("node", "bridge-client-check.js", "http://127.0.0.1:" + node.port())
      .directory(dir).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the script finished").isTrue();
    List<String> lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).isNotEmpty();
    JsonObject result = new JsonObject(lines.get(lines.size() - 1));
    assertThat(result.getBoolean("ok")).as(result.encodePrettily()).isTrue();
    JsonObject steps = result.getJsonObject("steps");
    assertThat(steps.getJsonObject("aliceJoin").getJsonArray("participants")).containsExactly("js-alice");
    assertThat(steps.getJsonObject("bobJoin").getJsonArray("participants")).containsExactly("js-alice", "js-bob");
    assertThat(steps.getString("aliceSawBobJoin")).isEqualTo("js-bob");
    JsonObject message = steps.getJsonObject("message");
    assertThat(message.getLong("replySeq")).isEqualTo(message.getLong("eventSeq"));
    assertThat(message.getString("text")).isEqualTo("hello");
    assertThat(message.getJsonObject("data")).isEqualTo(new JsonObject().put("n", 1));
    assertThat(steps.getJsonObject("cursor")).isEqualTo(new JsonObject().put("userId", "js-bob")
      .put("cursor", new JsonObject().put("line", 3).put("column", 7)));
    assertThat(steps.getJsonObject("refusedSend").getInteger("failureCode")).isEqualTo(403);
    assertThat(steps.getJsonObject("refusedRegister").getInteger("failureCode")).isEqualTo(403);
    assertThat(steps.getString("aliceSawBobLeave")).isEqualTo("js-bob");
  }
}
