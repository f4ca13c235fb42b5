package dev.skillbus.ops;

import static dev.skillbus.testing.Servers.await;

import dev.skillbus.Skillbus;
import dev.skillbus.protocol.Address;
import dev.skillbus.testing.BridgeClient;
import dev.skillbus.testing.Eventually;
import dev.skillbus.testing.RestClient;
import dev.skillbus.testing.Servers;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;

/**
 * The operations API on a two-node cluster, with clients on both nodes: every endpoint asked on
 * one node answers for both. Each test class starts its own two nodes, in a cluster named after the
 * class, and closes them after; the classes run one after another on the same ports.
 */
abstract class OpsClusterFixture {

  static final String ADMIN_KEY = "ops-test-admin-key-0123456789";
  static final long NODE_TIMEOUT_MS = 5000;
  static String clusterName;
  static Skillbus a;
  static Skillbus b;
  final List<BridgeClient> clients = new ArrayList<>();

  static JsonObject config(int port) {
    return adminConfig(clusterName, port, 6401, 6403)
      .put("ops", new JsonObject().put("nodeTimeoutMs", NODE_TIMEOUT_MS).put("pageSize", 2));
  }

  /** A node's config in which {@link #ADMIN_KEY} is the admin key. */
  static JsonObject adminConfig(String cluster, int port, int firstPort, int lastPort) {
    JsonObject config = Servers.config(cluster, port, firstPort, lastPort);
    config.getJsonObject("bridge").getJsonObject("auth").put("adminKey", ADMIN_KEY);
    return config;
  }

  @BeforeAll
  static void start(TestInfo test) throws Exception {
    clusterName = "ops-" + test.getTestClass().orElseThrow().getSimpleName();
    a = Servers.start(config(6401));
    b = Servers.start(config(6402));
    awaitBothUp(a, b);
  }

  /**
   * The first messages between two new nodes open their event-bus connections, which can take
   * seconds on a busy machine: waits until both answer each other before testing answers.
   */
  static void awaitBothUp(Skillbus a, Skillbus b) throws Exception {
    await(Eventually.holds(a.node().vertx(), 100, 30_000, () -> Future.all(Servers.health(a), Servers.health(b))
      .map(both -> both.<Servers.Health>list().stream().allMatch(h -> "UP".equals(h.body().getString("status"))))));
  }

  /** Closes the class's nodes; the next class starts from none, even if its start fails half-way. */
  @AfterAll
  static void stop() throws Exception {
    try {
      Future.join(a.close(), b.close()).await(60, TimeUnit.SECONDS);
    } finally {
      a = null;
      b = null;
    }
  }

  @AfterEach
  void closeClients() throws Exception {
    await(Future.join(clients.stream().map(c -> c.close().otherwiseEmpty()).toList()));
  }

  /**
   * A client whose connection counts as its user's: it sent an authenticated frame. Clients run on
   * node A's Vert.x whichever node they connect to, so that they outlive a node that is killed.
   */
  BridgeClient connect(Skillbus node, String userId, String role) throws Exception {
    BridgeClient client = await(BridgeClient.connectAs(a.node().vertx(), node.port(), userId, role));
    clients.add(client);
    await(client.call("session.leave", new JsonObject().put("sessionId", "none")));
    return client;
  }

  BridgeClient member(Skillbus node, String userId, String room) throws Exception {
    BridgeClient client = connect(node, userId, "learner");
    client.register("room." + room);
    await(client.call("session.join", new JsonObject().put("sessionId", room)));
    return client;
  }

  static RestClient admin(Skillbus node) {
    return RestClient.bearer(node.node().vertx(), node.port(), ADMIN_KEY);
  }

  static String id(Skillbus node) {
    return node.node().nodeId();
  }

  /** The item of a listing page with this id. */
  static JsonObject item(JsonObject page, String id) {
    return page.getJsonArray("items").stream().map(i -> (JsonObject) i)
      .filter(i -> id.equals(i.getString("id"))).findFirst().orElseThrow(() -> new AssertionError(id + " not in " + page));
  }

  static List<String> sorted(String... ids) {
    return java.util.Arrays.stream(ids).sorted().toList();
  }

  /** Makes the node do what a stalled node does with these operations: never answer. Returns what undoes it. */
  static Runnable stall(Skillbus node, String... operations) {
    Set<String> stalledOperations = Set.of(operations);
    Handler<DeliveryContext<Object>> stalled = delivery -> {
      if (!isOperation(delivery, node, stalledOperations)) {
        delivery.next();
      }
    };
    node.node().vertx().eventBus().addInboundInterceptor(stalled);
    return () -> node.node().vertx().eventBus().removeInboundInterceptor(stalled);
  }

  /** Whether a message that reaches the node asks for one of its own operations in this set. */
  static boolean isOperation(DeliveryContext<?> delivery, Skillbus node, Set<String> operations) {
    return delivery.message().address().equals(Address.opsNode(id(node)))
      && operations.contains(delivery.message().headers().get(LocalNode.OPERATION));
  }
}
