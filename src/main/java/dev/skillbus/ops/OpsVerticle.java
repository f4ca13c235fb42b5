package dev.skillbus.ops;

import dev.skillbus.auth.Identity;
import dev.skillbus.auth.RoomRules;
import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.Requests;
import dev.skillbus.store.StoreHealth;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operations: the cluster's health, stats, users and rooms, an admin's room requests and the
 * metrics, for the {@code /socket/*} and {@code /metrics} endpoints of its node's bridge. The node
 * asked answers for the whole cluster: it asks every node's operations verticle at that node's own
 * address ({@link LocalNode}) and reports a node that does not answer in time as missing. Deploy
 * one instance per node, before the bridge.
 *
 * <p>Config (its own object): {@code nodeId}, {@code nodeTimeoutMs} (default 2000),
 * {@code pageSize} (default 50) and {@code maxPageSize} (default 500) of the listings.
 */
public final class OpsVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(OpsVerticle.class);
  private static final long SAMPLE_MS = 1000;

  private final ClusterManager cluster;
  private final Metrics metrics;
  private final RoomRules rules;
  private final StoreHealth store;
  private long sampler = -1;

  public OpsVerticle(ClusterManager cluster, Metrics metrics, RoomRules rules, StoreHealth store) {
    this.cluster = cluster;
    this.metrics = metrics;
    this.rules = rules;
    this.store = store;
  }

  @Override
  public Future<?> start() {
    OpsSettings settings = OpsSettings.from(config());
    RateWindow rates = new RateWindow();
    NodeCalls calls = new NodeCalls(vertx.eventBus(), cluster, settings.nodeTimeoutMs());
    // Each second: the traffic rates' sample, and a ping to each node that joined (NodeCalls.ping).
    sampler = vertx.setPeriodic(1, SAMPLE_MS, id -> {
      rates.sample(System.nanoTime(), metrics.framesIn(), metrics.framesOut());
      calls.ping();
    });
    LocalNode local = new LocalNode(vertx.eventBus(), settings, metrics, store, rules, rates);
    ClusterHealth health = new ClusterHealth(calls, local);
    ClusterStats stats = new ClusterStats(calls, local);
    UserDirectory users = new UserDirectory(calls, settings);
    RoomListing listing = new RoomListing(calls, vertx.eventBus(), rules, settings);
    RoomAdmin rooms = new RoomAdmin(vertx.eventBus(), calls, rules);
    List<MessageConsumer<JsonObject>> consumers = new ArrayList<>(List.of(local.serve()));
    consumers.add(serve(Address.OPS_HEALTH, m -> health.health()));
    consumers.addAll(List.of(
      admin(Address.OPS_STATS, m -> stats.stats()),
      admin(Address.OPS_METRICS, m -> stats.metrics(m.body())),
      admin(Address.OPS_USERS, m -> users.list(m.body())),
      admin(Address.OPS_USER_CONNECTED, m -> users.connected(m.body())),
      admin(Address.OPS_ROOMS, m -> listing.list(m.body())),
      admin(Address.OPS_ROOM_CREATE, m -> rooms.create(callerOf(m), m.body())),
      admin(Address.OPS_ROOM_JOIN, m -> rooms.join(m.body())),
      admin(Address.OPS_ROOM_LEAVE, m -> rooms.leave(m.body())),
      admin(Address.OPS_ROOM_MESSAGE, m -> rooms.message(callerOf(m), m.body()))));
    LOG.info("Operations verticle started on node {}", settings.nodeId());
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sampler);
    return Future.succeededFuture();
  }

  /** Node-local: the bridge of this node forwards its REST calls here. */
  private MessageConsumer<JsonObject> serve(String address, Function<Message<JsonObject>, Future<?>> handler) {
    return vertx.eventBus().localConsumer(address, message -> Requests.serve(message, handler));
  }

  /** As {@link #serve}, for callers the bridge stamped as admins only. */
  private MessageConsumer<JsonObject> admin(String address, Function<Message<JsonObject>, Future<?>> handler) {
    return serve(address, message -> {
      callerOf(message);
      return handler.apply(message);
    });
  }

  private static Identity callerOf(Message<JsonObject> message) {
    Identity caller = Identity.fromHeaders(message.headers());
    if (!caller.isAdmin()) {
      throw ErrorCode.FORBIDDEN.exception("the admin role is required");
    }
    return caller;
  }
}
