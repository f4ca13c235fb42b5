package dev.skillbus;

import dev.skillbus.bridge.BridgeVerticle;
import dev.skillbus.coaching.CoachingVerticle;
import dev.skillbus.course.CourseVerticle;
import dev.skillbus.session.SessionVerticle;
import dev.skillbus.store.StoreSettings;
import dev.skillbus.store.Stores;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Deployable;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A running skillbus node: the clustered Vert.x, its stores and the verticles deployed on it.
 * Verticles are deployed one after the other, session state first (the other parts send room
 * events through it) and the bridge last, so that it never forwards into nothing; they stop in the
 * reverse order: the bridge closes its sockets (their connections leave their rooms and peers see
 * {@code user-left}), the course verticle ends its running jobs as failed (announced), then
 * coaching and session, then the stores, then the node leaves the cluster.
 */
public record Skillbus(ClusterNode node, Stores stores, BridgeVerticle bridge, List<String> deployments) {

  /** Joins the cluster and deploys every verticle with the given config. */
  public static Future<Skillbus> start(JsonObject config) {
    return ClusterNode.start(config.getJsonObject("cluster", new JsonObject()))
      .compose(node -> deploy(node, config));
  }

  /** Opens the stores, then deploys every verticle on a started node, each with its config section. */
  public static Future<Skillbus> deploy(ClusterNode node, JsonObject config) {
    Stores stores = Stores.create(node.vertx(), StoreSettings.from(config));
    BridgeVerticle bridge = new BridgeVerticle(stores.health());
    List<Part> parts = List.of(
      new Part(() -> new SessionVerticle(node.hazelcast(), stores.history()), section(config, "session").put("nodeId", node.nodeId())),
      new Part(() -> new CoachingVerticle(stores.documents(), stores.lists(), stores.inbox(), node.clusterManager()),
        section(config, "coaching")),
      new Part(() -> new CourseVerticle(node.hazelcast(), stores.history(), stores.documents()), section(config, "course")),
      new Part(() -> bridge, section(config, "bridge").put("nodeId", node.nodeId())));
    List<String> deployments = new ArrayList<>();
    Future<Void> deployed = stores.start();
    for (Part part : parts) {
      deployed = deployed.compose(v -> node.vertx().deployVerticle(part.verticle().get(), new DeploymentOptions().setConfig(part.config())))
        .map(id -> {
          deployments.add(id);
          return null;
        });
    }
    Skillbus running = new Skillbus(node, stores, bridge, deployments);
    return deployed.map(running)
      .recover(err -> running.undeployAll().transform(v -> stores.close()).transform(v -> Future.failedFuture(err)));
  }

  /** The HTTP port the bridge listens on. */
  public int port() {
    return bridge.actualPort();
  }

  public Future<Void> close() {
    // Not bound to an event loop: the node's event loops are gone when vertx.close() completes.
    Promise<Void> closed = Promise.promise();
    undeployAll()
      .transform(v -> stores.close())
      .onComplete(v -> node.close().onComplete(closed));
    return closed.future();
  }

  private Future<Void> undeployAll() {
    Future<Void> undeployed = Future.succeededFuture();
    for (int i = deployments.size() - 1; i >= 0; i--) {
      String id = deployments.get(i);
      undeployed = undeployed.transform(v -> node.vertx().undeploy(id));
    }
    return undeployed;
  }

  private static JsonObject section(JsonObject config, String name) {
    return config.getJsonObject(name, new JsonObject()).copy();
  }

  private record Part(Supplier<Deployable> verticle, JsonObject config) {
  }
}
