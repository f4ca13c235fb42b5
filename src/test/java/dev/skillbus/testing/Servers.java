package dev.skillbus.testing;

import dev.skillbus.Skillbus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/**
 * Whole skillbus nodes for end-to-end tests: every verticle deployed, HTTP on a free port, a
 * cluster of its own per test class (name and a block of Hazelcast ports given by the class).
 */
public final class Servers {

  private Servers() {
  }

  /** A node's config: cluster {@code name} on {@code port}, members on {@code firstPort..lastPort}. */
  public static JsonObject config(String name, int port, int firstPort, int lastPort) {
    // Nodes that each keep their store in memory: these tests are about the cluster's other parts.
    return new JsonObject()
      .put("cluster", new JsonObject().put("name", name).put("port", port)
        .put("members", new JsonArray().add("127.0.0.1:" + firstPort + "-" + lastPort)).put("allowMemoryStores", true))
      .put("bridge", new JsonObject().put("port", 0).put("host", "127.0.0.1").put("dev", true)
        .put("auth", new JsonObject().put("secret", name + "-secret-0123456789")));
  }

  /** The node's {@code GET /socket/health}: its HTTP status and body. */
  public static Future<Health> health(Skillbus node) {
    return Clients.http(node.node().vertx(), http -> http
      .request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(node.port()).setURI("/socket/health"))
      .compose(req -> req.send())
      .compose(resp -> resp.body().map(body -> new Health(resp.statusCode(), body.toJsonObject()))));
  }

  /** A health answer. */
  public record Health(int status, JsonObject body) {
  }

  /**
   * Waits until every Hazelcast partition of the node's cluster has its backups in sync. A member
   * that dies before then takes the only copy of some entries with it (room membership, running
   * jobs), so a test that kills a node and expects a survivor to clean up waits for this first.
   */
  public static void awaitClusterSafe(Skillbus node) throws Exception {
    Vertx vertx = node.node().vertx();
    Eventually.holds(vertx, 100, 30_000, () -> vertx.executeBlocking(
      () -> node.node().hazelcast().getPartitionService().isClusterSafe(), false)).await(35, TimeUnit.SECONDS);
  }

  /** Starts a node, waiting for it on the calling (test) thread. */
  public static Skillbus start(JsonObject config) throws Exception {
    return Skillbus.start(config).await(60, TimeUnit.SECONDS);
  }

  public static <T> T await(Future<T> future) throws Exception {
    return future.await(15, TimeUnit.SECONDS);
  }

  /** A client of {@code node} that registered on the room and joined it. */
  public static BridgeClient member(Skillbus node, String userId, String room) throws Exception {
    BridgeClient client = await(BridgeClient.connectAs(node.node().vertx(), node.port(), userId, "learner"));
    client.register("room." + room);
    await(client.call("session.join", new JsonObject().put("sessionId", room)));
    return client;
  }
}
