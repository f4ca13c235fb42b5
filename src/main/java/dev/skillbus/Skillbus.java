package dev.skillbus;

import dev.skillbus.bridge.BridgeVerticle;
import dev.skillbus.course.CourseVerticle;
import dev.skillbus.session.SessionVerticle;
import dev.skillbus.store.StoreSettings;
import dev.skillbus.store.Stores;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;

/**
 * A running skillbus node: the clustered Vert.x, its stores and the verticles deployed on it.
 * Stopping is ordered: the bridge closes its sockets (their connections leave their rooms and peers
 * see {@code user-left}), then the course verticle (its running jobs end as failed, announced), then
 * the session verticle, then the stores, then the node leaves the cluster.
 */
public record Skillbus(ClusterNode node, Stores stores, BridgeVerticle bridge, String bridgeDeployment,
                       String sessionDeployment, String courseDeployment) {

  /** Joins the cluster and deploys every verticle with the given config. */
  public static Future<Skillbus> start(JsonObject config) {
    return ClusterNode.start(config.getJsonObject("cluster", new JsonObject()))
      .compose(node -> deploy(node, config));
  }

  /**
   * Opens the stores, then deploys every verticle on a started node; session state first, so the
   * bridge never forwards into nothing.
   */
  public static Future<Skillbus> deploy(ClusterNode node, JsonObject config) {
    JsonObject session = section(config, "session").put("nodeId", node.nodeId());
    JsonObject bridgeConfig = section(config, "bridge").put("nodeId", node.nodeId());
    Stores stores = Stores.create(node.vertx(), StoreSettings.from(config));
    BridgeVerticle bridge = new BridgeVerticle(stores.health());
    JsonObject course = section(config, "course");
    return stores.start()
      .compose(v -> node.vertx().deployVerticle(new SessionVerticle(node.hazelcast(), stores.history()),
        new DeploymentOptions().setConfig(session)))
      .compose(sessionId -> node.vertx().deployVerticle(
          new CourseVerticle(node.hazelcast(), stores.history(), stores.documents()),
          new DeploymentOptions().setConfig(course))
        .compose(courseId -> node.vertx().deployVerticle(bridge, new DeploymentOptions().setConfig(bridgeConfig))
          .map(bridgeId -> new Skillbus(node, stores, bridge, bridgeId, sessionId, courseId))))
      .recover(err -> stores.close().transform(v -> Future.failedFuture(err)));
  }

  /** The HTTP port the bridge listens on. */
  public int port() {
    return bridge.actualPort();
  }

  public Future<Void> close() {
    // Not bound to an event loop: the node's event loops are gone when vertx.close() completes.
    Promise<Void> closed = Promise.promise();
    node.vertx().undeploy(bridgeDeployment)
      .transform(v -> node.vertx().undeploy(courseDeployment))
      .transform(v -> node.vertx().undeploy(sessionDeployment))
      .transform(v -> stores.close())
      .onComplete(v -> node.close().onComplete(closed));
    return closed.future();
  }

  private static JsonObject section(JsonObject config, String name) {
    return config.getJsonObject(name, new JsonObject()).copy();
  }
}
