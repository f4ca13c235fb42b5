package dev.skillbus.coaching;

import static dev.skillbus.testing.Servers.await;

import dev.skillbus.Skillbus;
import dev.skillbus.testing.BridgeClient;
import dev.skillbus.testing.RestClient;
import dev.skillbus.testing.Servers;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;

/**
 * One node, with a team leader, an agent and a learner connected, and the valid bodies of
 * coaching's requests that the tests of its rules break one field at a time. Each test class starts
 * its own node, in a cluster named after the class, and closes it after; the classes run one after
 * another on the same port.
 */
abstract class CoachingRulesFixture {

  static Skillbus node;
  static Vertx vertx;
  static BridgeClient lead;
  static BridgeClient agent;
  static BridgeClient learner;
  static final String ADMIN_KEY = "coaching-rules-admin-key-0123456789";

  @BeforeAll
  static void start(TestInfo test) throws Exception {
    String clusterName = "coaching-rules-" + test.getTestClass().orElseThrow().getSimpleName();
    JsonObject config = Servers.config(clusterName, 6310, 6310, 6310);
    config.getJsonObject("bridge").getJsonObject("auth").put("adminKey", ADMIN_KEY);
    node = Servers.start(config);
    vertx = node.node().vertx();
    lead = connect("lena", "team_leader");
    agent = connect("arun", "agent");
    learner = connect("lou", "learner");
  }

  @AfterAll
  static void stop() throws Exception {
    node.close().await(30, TimeUnit.SECONDS);
  }

  static BridgeClient connect(String userId, String role) throws Exception {
    return await(BridgeClient.connectAs(vertx, node.port(), userId, role));
  }

  static RestClient rest(String userId, String role) throws Exception {
    return await(RestClient.as(vertx, node.port(), userId, role));
  }

  static JsonObject note() {
    return new JsonObject().put("agentId", "arun").put("noteType", "COACHING").put("content", "Good call")
      .put("priority", "LOW");
  }

  static JsonObject item() {
    return new JsonObject().put("agentId", "arun").put("title", "Shadow a call").put("dueDate", "2026-03-31")
      .put("priority", "MEDIUM").put("category", "quality");
  }

  static JsonObject sessionUpdate(JsonObject updates) {
    return new JsonObject().put("sessionId", "rules-session").put("updates", updates);
  }

  static JsonObject notification() {
    return new JsonObject().put("userId", "arun").put("type", "info").put("message", "Hello");
  }

  /** A copy of {@code body} with {@code field} set to {@code value}, or removed when it is null. */
  static JsonObject with(JsonObject body, String field, Object value) {
    JsonObject copy = body.copy();
    if (value == null) {
      copy.remove(field);
    } else {
      copy.put(field, value);
    }
    return copy;
  }

  static int failureCode(JsonObject frame) {
    return "err".equals(frame.getString("type")) ? frame.getInteger("failureCode") : 0;
  }
}
