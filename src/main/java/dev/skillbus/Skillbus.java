package dev.skillbus;

import dev.skillbus.auth.RoomRules;
import dev.skillbus.auth.TokenService;
import dev.skillbus.bridge.BridgeVerticle;
import dev.skillbus.cluster.StoreAgreement;
import dev.skillbus.coaching.CoachingSettings;
import dev.skillbus.coaching.CoachingVerticle;
import dev.skillbus.course.CourseVerticle;
import dev.skillbus.ops.Metrics;
import dev.skillbus.ops.OpsVerticle;
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
 * A running skillbus node: the clustered Vert.x, its stores, the rooms' access rules and the
 * verticles deployed on it. Stopping is ordered, last deployed first: the bridge closes its sockets
 * (their connections leave their rooms and peers see {@code user-left}), then operations, course
 * generation (its running jobs end as failed, announced), coaching and session, then the rules and
 * the stores, then the node leaves the cluster.
 */
public record Skillbus(ClusterNode node, Stores stores, RoomRules rules, BridgeVerticle bridge,
                       List<String> deployments) {

  /** Joins the cluster and deploys every verticle with the given config. */
  public static Future<Skillbus> start(JsonObject config) {
    try {
      Config.check(config);
      // The rules between sections too, before the node joins a cluster it would leave at once.
      sessionConfig(config);
      coachingConfig(config);
      TokenService.check(BridgeVerticle.authSettings(section(config, "bridge")));
    } catch (IllegalStateException e) {
      return Future.failedFuture(e);
    }
    // A node whose services do not start (a setting refused, a port taken) leaves the cluster again;
    // deploy throws a refused setting, which compose turns into a failed future for recover.
    return ClusterNode.start(section(config, "cluster"), section(config, "metrics"))
      .compose(node -> Future.succeededFuture(node).compose(n -> deploy(n, config))
        .recover(err -> node.close().transform(v -> Future.failedFuture(err))));
  }

  /**
   * Opens the stores and the rules, then deploys every verticle on a started node; session state
   * first (coaching sends room events through it), the bridge last, so that it never forwards into
   * nothing.
   */
  public static Future<Skillbus> deploy(ClusterNode node, JsonObject config) {
    Metrics metrics = node.metrics();
    StoreSettings storeSettings = StoreSettings.from(config);
    Stores stores = Stores.create(node.vertx(), storeSettings, metrics.storeCommands());
    StoreAgreement agreement = new StoreAgreement(node.hazelcast(),
      storeSettings.redis() == null ? StoreAgreement.MEMORY : storeSettings.redis().target(),
      section(config, "cluster").getBoolean("allowMemoryStores", false));
    RoomRules rules = RoomRules.of(node.hazelcast());
    BridgeVerticle bridge = new BridgeVerticle(metrics, rules, () -> node.clusterManager().getNodes());
    List<Supplier<Future<String>>> verticles = List.of(
      () -> deploy(node, new SessionVerticle(node.hazelcast(), stores.history(), metrics, rules), sessionConfig(config).put("nodeId", node.nodeId())),
      () -> deploy(node, new CoachingVerticle(stores.documents(), stores.lists(), stores.inbox(),
        node.clusterManager(), metrics, rules), coachingConfig(config)),
      () -> deploy(node, new CourseVerticle(node.hazelcast(), stores.history(), stores.documents(), metrics),
        section(config, "course")),
      () -> deploy(node, new OpsVerticle(node.clusterManager(), metrics, rules, stores.health()),
        section(config, "ops").put("nodeId", node.nodeId())),
      () -> deploy(node, bridge, section(config, "bridge").put("nodeId", node.nodeId())));
    List<String> deployed = new ArrayList<>();
    Future<Void> started = agreement.check(node.vertx()).compose(v -> stores.start()).compose(v -> rules.start(node.vertx()));
    for (Supplier<Future<String>> verticle : verticles) {
      started = started.compose(v -> verticle.get().onSuccess(deployed::add).mapEmpty());
    }
    return started
      .map(v -> new Skillbus(node, stores, rules, bridge, List.copyOf(deployed)))
      .recover(err -> new Skillbus(node, stores, rules, bridge, deployed).stop()
        .transform(v -> Future.failedFuture(err)));
  }

  private static Future<String> deploy(ClusterNode node, Deployable verticle, JsonObject config) {
    return node.vertx().deployVerticle(verticle, new DeploymentOptions().setConfig(config));
  }

  /** The HTTP port the bridge listens on. */
  public int port() {
    return bridge.actualPort();
  }

  public Future<Void> close() {
    // Not bound to an event loop: the node's event loops are gone when vertx.close() completes.
    Promise<Void> closed = Promise.promise();
    stop().onComplete(v -> node.close().onComplete(closed));
    return closed.future();
  }

  /** Undeploys the verticles, last deployed first, then closes the rules and the stores. */
  private Future<Void> stop() {
    Future<Void> stopped = Future.succeededFuture();
    for (int i = deployments.size() - 1; i >= 0; i--) {
      String id = deployments.get(i);
      stopped = stopped.transform(v -> node.vertx().undeploy(id));
    }
    return stopped.transform(v -> rules.close()).transform(v -> stores.close())
      .transform(v -> StoreAgreement.leave(node.vertx(), node.hazelcast()))
      .otherwiseEmpty();
  }

  /**
   * The session part's config: a join that the bridge would answer 503 for want of a reply must
   * not stand, so unless it is set, the session part gives up on a join at three quarters of the
   * bridge's request timeout, and takes it back.
   */
  private static JsonObject sessionConfig(JsonObject config) {
    JsonObject session = section(config, "session");
    long requestTimeoutMs = BridgeVerticle.requestTimeoutMs(section(config, "bridge"));
    if (!session.containsKey("joinTimeoutMs")) {
      session.put("joinTimeoutMs", requestTimeoutMs * 3 / 4);
    } else if (session.getLong("joinTimeoutMs") >= requestTimeoutMs) {
      throw new IllegalStateException("session.joinTimeoutMs (" + session.getLong("joinTimeoutMs") + ") must be below"
        + " bridge.requestTimeoutMs (REQUEST_TIMEOUT_MS, " + requestTimeoutMs + "): else a client told its join failed"
        + " may be left in the room");
    }
    return session;
  }

  /**
   * The coaching part's config: a notification whose user's node hangs is queued after {@code
   * deliveryTimeoutMs}, which must come before the bridge answers 503 for want of a reply (the
   * notification would be queued all the same, and sent again). Unless it is set, it is 3 s or half
   * the bridge's request timeout if that is less.
   */
  private static JsonObject coachingConfig(JsonObject config) {
    JsonObject coaching = section(config, "coaching");
    long requestTimeoutMs = BridgeVerticle.requestTimeoutMs(section(config, "bridge"));
    if (!coaching.containsKey("deliveryTimeoutMs")) {
      coaching.put("deliveryTimeoutMs", Math.max(1, Math.min(CoachingSettings.DEFAULT_DELIVERY_TIMEOUT_MS,
        requestTimeoutMs / 2)));
    } else if (coaching.getLong("deliveryTimeoutMs") >= requestTimeoutMs) {
      throw new IllegalStateException("coaching.deliveryTimeoutMs (NOTIFY_DELIVERY_TIMEOUT_MS, "
        + coaching.getLong("deliveryTimeoutMs") + ") must be below bridge.requestTimeoutMs (REQUEST_TIMEOUT_MS, "
        + requestTimeoutMs + "): else a notification for a user whose node hangs is answered 503 though it was queued");
    }
    return coaching;
  }

  private static JsonObject section(JsonObject config, String name) {
    return config.getJsonObject(name, new JsonObject()).copy();
  }
}
