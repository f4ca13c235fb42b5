package dev.skillbus.bridge;

import dev.skillbus.ClusterNode;
import dev.skillbus.auth.RoomRules;
import dev.skillbus.ops.Metrics;
import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.Header;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;

/**
 * One node's bridge with tight limits: a short ping timeout, small bounds on what a client may be
 * behind, CORS for one pattern of origins. Each test class starts its own node, in a cluster named
 * after the class, and closes it after; the classes run one after another on the same port.
 */
abstract class BridgeLimitsFixture {

  static ClusterNode node;
  static Vertx vertx;
  static int port;
  static String deployment;
  static final Metrics metrics = Metrics.create();
  /** The close code of a client too slow. */
  static final Short TOO_SLOW = 4008;
  static final long PING_TIMEOUT_MS = 800;
  static final long REPLY_BACKLOG = 16L * 1024 * 1024;

  @BeforeAll
  static void start(TestInfo test) throws Exception {
    String clusterName = "limits-" + test.getTestClass().orElseThrow().getSimpleName();
    node = ClusterNode.start(new JsonObject().put("name", clusterName).put("port", 5971)
      .put("members", new JsonArray().add("127.0.0.1:5971"))).await(60, TimeUnit.SECONDS);
    vertx = node.vertx();
    BridgeVerticle bridge = new BridgeVerticle(metrics, RoomRules.open(), List::of);
    JsonObject config = new JsonObject().put("port", 0).put("host", "127.0.0.1").put("nodeId", "limits-node").put("dev", true)
      .put("auth", new JsonObject().put("secret", "limits-test-secret-12345"))
      .put("pingTimeoutMs", PING_TIMEOUT_MS).put("slowSocketMaxBytes", 256 * 1024).put("replyBacklogMaxBytes", REPLY_BACKLOG)
      .put("cors", new JsonObject().put("origins", new JsonArray().add("https://*.example.app")));
    deployment = vertx.deployVerticle(bridge, new DeploymentOptions().setConfig(config)).await(30, TimeUnit.SECONDS);
    port = bridge.actualPort();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.undeploy(deployment).await(30, TimeUnit.SECONDS);
    node.close().await(30, TimeUnit.SECONDS);
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.await(15, TimeUnit.SECONDS);
  }

  /**
   * Completes with the id of the next connection of {@code userId} this node's bridge reports
   * closed: an earlier test's socket may still be closing when a test begins.
   */
  static Future<String> nextClosed(String userId) {
    Promise<String> closed = Promise.promise();
    var consumer = vertx.eventBus().<JsonObject>localConsumer(Address.CONNECTION_CLOSED);
    consumer.handler(m -> {
      if (userId.equals(m.headers().get(Header.USER_ID))) {
        closed.tryComplete(m.body().getString("connId"));
      }
    });
    // Unregistered only once registered: unregistering sooner fails the registration.
    return consumer.completion().compose(v -> closed.future()).andThen(ar -> consumer.unregister());
  }
}
