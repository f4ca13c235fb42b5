package dev.skillbus;

import dev.skillbus.bridge.BridgeVerticle;
import dev.skillbus.session.SessionVerticle;
import dev.skillbus.store.InMemoryRoomHistory;
import dev.skillbus.store.RoomHistory;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;

/**
 * A running skillbus node: the clustered Vert.x and the verticles deployed on it. Stopping is
 * ordered: the bridge closes its sockets (their connections leave their rooms and peers see
 * {@code user-left}), then the session verticle, then the node leaves the cluster.
 */
public record Skillbus(ClusterNode node, BridgeVerticle bridge, String bridgeDeployment, String sessionDeployment) {

  /** Joins the cluster and deploys every verticle with the given config. */
  public static Future<Skillbus> start(JsonObject config) {
    return ClusterNode.start(config.getJsonObject("cluster", new JsonObject()))
      .compose(node -> deploy(node, config));
  }

  /** Deploys every verticle on a started node; session state first, so the bridge never forwards into nothing. */
  public static Future<Skillbus> deploy(ClusterNode node, JsonObject config) {
    JsonObject session = section(config, "session").put("nodeId", node.nodeId());
    JsonObject bridgeConfig = section(config, "bridge").put("nodeId", node.nodeId());
    BridgeVerticle bridge = new BridgeVerticle();
    return node.vertx()
      .deployVerticle(new SessionVerticle(node.hazelcast(), history(session)), new DeploymentOptions().setConfig(session))
      .compose(sessionId -> node.vertx().deployVerticle(bridge, new DeploymentOptions().setConfig(bridgeConfig))
        .map(bridgeId -> new Skillbus(node, bridge, bridgeId, sessionId)));
  }

  /** The HTTP port the bridge listens on. */
  public int port() {
    return bridge.actualPort();
  }

  public Future<Void> close() {
    // Not bound to an event loop: the node's event loops are gone when vertx.close() completes.
    Promise<Void> closed = Promise.promise();
    node.vertx().undeploy(bridgeDeployment)
      .transform(v -> node.vertx().undeploy(sessionDeployment))
      .onComplete(v -> node.close().onComplete(closed));
    return closed.future();
  }

  private static RoomHistory history(JsonObject session) {
    JsonObject history = session.getJsonObject("history", new JsonObject());
    return new InMemoryRoomHistory(history.getInteger("maxEvents", 1000), history.getLong("maxAgeSeconds", 86_400L));
  }

  private static JsonObject section(JsonObject config, String name) {
    return config.getJsonObject(name, new JsonObject()).copy();
  }
}
