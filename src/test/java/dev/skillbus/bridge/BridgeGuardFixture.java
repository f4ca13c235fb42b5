package dev.skillbus.bridge;

import dev.skillbus.ClusterNode;
import dev.skillbus.protocol.Header;
import dev.skillbus.protocol.Inbound;
import dev.skillbus.testing.BridgeClient;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;

/**
 * The bridge guard of one node, in front of a stand-in for the session verticle that answers with
 * the identity headers the guard stamped. Each test class starts its own node, in a cluster named
 * after the class, and closes it after; the classes run one after another on the same port.
 */
abstract class BridgeGuardFixture {

  static final String SECRET = "guard-test-secret-0123456789";
  static ClusterNode node;
  static Vertx vertx;
  static int port;
  static MessageConsumer<JsonObject> echo;
  static String bridgeDeployment;

  @BeforeAll
  static void start(TestInfo test) throws Exception {
    String clusterName = "guard-" + test.getTestClass().orElseThrow().getSimpleName();
    node = ClusterNode.start(new JsonObject().put("name", clusterName).put("port", 5911)
      .put("members", new JsonArray().add("127.0.0.1:5911"))).await(60, TimeUnit.SECONDS);
    vertx = node.vertx();
    BridgeVerticle bridge = new BridgeVerticle();
    bridgeDeployment = vertx.deployVerticle(bridge, new DeploymentOptions().setConfig(config())).await(30, TimeUnit.SECONDS);
    port = bridge.actualPort();
    // Stands in for the session verticle: answers with the identity headers the guard stamped.
    echo = vertx.eventBus().localConsumer(Inbound.SESSION_HISTORY.address(), m -> m.reply(new JsonObject()
      .put("userId", m.headers().get(Header.USER_ID)).put("role", m.headers().get(Header.USER_ROLE))
      .put("connId", m.headers().get(Header.CONN_ID)).put("forged", m.headers().get("x-forged"))));
    echo.completion().await(10, TimeUnit.SECONDS);
  }

  static JsonObject config() {
    return new JsonObject().put("port", 0).put("host", "127.0.0.1").put("nodeId", "guard-node").put("dev", true)
      .put("auth", new JsonObject().put("secret", SECRET))
      .put("maxFrameBytes", 2048).put("maxHandlersPerSocket", 3)
      .put("rateLimit", new JsonObject().put("perSecond", 20).put("burst", 20).put("closeAfterRefusals", 30))
      .put("cors", new JsonObject().put("origins", new JsonArray().add("https://*.example.app").add("https://coach.example.com")));
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.undeploy(bridgeDeployment).await(30, TimeUnit.SECONDS);
    node.close().await(30, TimeUnit.SECONDS);
  }

  static BridgeClient client(String userId, String role) throws Exception {
    return BridgeClient.connectAs(vertx, port, userId, role).await(10, TimeUnit.SECONDS);
  }

  static JsonObject await(io.vertx.core.Future<JsonObject> f) throws Exception {
    return f.await(10, TimeUnit.SECONDS);
  }
}
