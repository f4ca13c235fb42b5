package dev.skillbus.ops;

import dev.skillbus.auth.RoomRules;
import dev.skillbus.bridge.BridgeVerticle;
import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.Fields;
import dev.skillbus.protocol.Internal;
import dev.skillbus.protocol.Requests;
import dev.skillbus.store.StoreHealth;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * One node's own operations, at {@code ops.node.<nodeId>} (the operation in the {@link #OPERATION}
 * header) for the node that answers for the cluster: a ping, its health, its counts and counters,
 * its connections, moving its connections of a user in or out of a room, its metrics, and
 * refreshing its copy of a room's rule. Each reads this node's parts only (over the event bus,
 * node-local) and answers at once.
 */
final class LocalNode {

  /** The header naming the operation asked for. */
  static final String OPERATION = "op";
  /** Answered at once with nothing: a peer's first message here, so that it knows where this is. */
  static final String PING = "ping";
  static final String HEALTH = "health";
  static final String STATS = "stats";
  static final String USERS = "users";
  static final String ROOMS = "rooms";
  static final String JOIN = "join";
  /**
   * The least a move waits for this node's bridge: a connection's first subscription to a room waits
   * for the other nodes to route it, up to {@link BridgeVerticle#ROUTE_CONFIRM_DEADLINE_MS} when one
   * is stalled, and connections moved after that must not count as not moved; the bridge gives up
   * on a subscription after {@link BridgeVerticle#MOVE_REGISTER_WAIT_MS}, and answers that.
   */
  static final long MOVE_WAIT_MS = BridgeVerticle.MOVE_REGISTER_WAIT_MS + 1000;
  static final String LEAVE = "leave";
  static final String METRICS = "metrics";
  static final String RULE = "rule";

  static final String UP = "UP";
  static final String DOWN = "DOWN";
  static final String NOT_CONFIGURED = "NOT_CONFIGURED";

  private final EventBus eventBus;
  private final OpsSettings settings;
  private final Metrics metrics;
  private final StoreHealth store;
  private final RoomRules rules;
  private final RateWindow rates;
  private final long startedAt = System.currentTimeMillis();

  LocalNode(EventBus eventBus, OpsSettings settings, Metrics metrics, StoreHealth store, RoomRules rules,
            RateWindow rates) {
    this.eventBus = eventBus;
    this.settings = settings;
    this.metrics = metrics;
    this.store = store;
    this.rules = rules;
    this.rates = rates;
  }

  String nodeId() {
    return settings.nodeId();
  }

  /** The cluster-wide consumer at this node's own address. */
  MessageConsumer<JsonObject> serve() {
    Map<String, Function<Message<JsonObject>, Future<?>>> operations = Map.of(
      PING, m -> Future.succeededFuture(new JsonObject()),
      HEALTH, m -> Future.succeededFuture(health()),
      STATS, m -> stats(),
      USERS, this::users,
      ROOMS, m -> Internal.localRooms(eventBus).map(rooms -> new JsonObject().put(Internal.ROOMS, rooms)),
      JOIN, m -> move(Address.USER_JOIN_ROOM, m.body()),
      LEAVE, m -> move(Address.USER_LEAVE_ROOM, m.body()),
      METRICS, m -> Future.succeededFuture(new JsonObject().put("text", metricsText())),
      RULE, m -> rules.refresh(Fields.requiredId(m.body(), Internal.ROOM, Fields.ROOM_ID)).map(new JsonObject()));
    return eventBus.consumer(Address.opsNode(nodeId()), message -> Requests.serve(message, m -> {
      Function<Message<JsonObject>, Future<?>> operation = operations.get(String.valueOf(m.headers().get(OPERATION)));
      if (operation == null) {
        throw ErrorCode.NOT_FOUND.exception("no operation '" + m.headers().get(OPERATION) + "' on this node");
      }
      return operation.apply(m);
    }));
  }

  /** {@code {node, status, redis, uptime}}: this node is DOWN while its Redis is. */
  JsonObject health() {
    String redis = !"redis".equals(store.type()) ? NOT_CONFIGURED : store.up() ? UP : DOWN;
    return new JsonObject()
      .put("node", nodeId())
      .put("status", DOWN.equals(redis) ? DOWN : UP)
      .put("redis", redis)
      .put("uptime", uptimeSeconds());
  }

  long uptimeSeconds() {
    return (System.currentTimeMillis() - startedAt) / 1000;
  }

  /**
   * Counts and counters; {@code userIds} and {@code roomIds} (the rooms this node's connections
   * joined) let the asker count distinct users and rooms across nodes. Both are this node's own
   * records: no read of the cluster's membership, which waits while a member is stalled.
   */
  private Future<JsonObject> stats() {
    return Future.all(Internal.connections(eventBus, null), Internal.localMemberships(eventBus)).map(both -> {
      JsonArray connections = both.resultAt(0);
      JsonObject memberships = both.resultAt(1);
      TreeSet<String> userIds = new TreeSet<>();
      connections.forEach(c -> {
        String userId = ((JsonObject) c).getString(Internal.USER_ID);
        if (userId != null) {
          userIds.add(userId);
        }
      });
      TreeSet<String> roomIds = new TreeSet<>();
      memberships.forEach(entry -> ((JsonArray) entry.getValue()).forEach(room -> roomIds.add((String) room)));
      return new JsonObject()
        .put("node", nodeId())
        .put("connections", connections.size())
        .put("users", userIds.size())
        .put("rooms", metrics.rooms())
        .put("messagesIn", traffic(metrics.framesIn(), rates.inPerSecond()))
        .put("messagesOut", traffic(metrics.framesOut(), rates.outPerSecond()))
        .put("events", counts(metrics.eventCounts()))
        .put("refused", counts(metrics.refusedCounts()))
        .put("uptime", uptimeSeconds())
        .put("userIds", new JsonArray(List.copyOf(userIds)))
        .put("roomIds", new JsonArray(List.copyOf(roomIds)));
    });
  }

  static JsonObject traffic(long total, double perSecond) {
    return new JsonObject().put("total", total).put("perSecond", perSecond);
  }

  static JsonObject counts(Map<String, Long> counts) {
    JsonObject json = new JsonObject();
    counts.forEach(json::put);
    return json;
  }

  /** {@code {userId?}}: this node's connections (of that user), each with the rooms it joined. */
  private Future<JsonObject> users(Message<JsonObject> message) {
    String userId = message.body().getString(Internal.USER_ID);
    return Future.all(Internal.connections(eventBus, userId), Internal.localMemberships(eventBus)).map(both -> {
      JsonArray connections = both.resultAt(0);
      JsonObject memberships = both.resultAt(1);
      JsonArray identified = new JsonArray();
      for (Object c : connections) {
        JsonObject connection = (JsonObject) c;
        if (connection.getString(Internal.USER_ID) != null) {
          identified.add(connection.copy().put(Internal.ROOMS,
            memberships.getJsonArray(connection.getString(Internal.CONN_ID), new JsonArray())));
        }
      }
      return new JsonObject().put(Internal.CONNECTIONS, identified);
    });
  }

  private Future<JsonObject> move(String address, JsonObject body) {
    String userId = Fields.requiredId(body, Internal.USER_ID, Fields.USER_ID);
    String roomId = Fields.requiredId(body, Internal.ROOM, Fields.ROOM_ID);
    return Internal.moveUser(eventBus, address, userId, roomId, Math.max(settings.nodeTimeoutMs(), MOVE_WAIT_MS));
  }

  /** This node's meters as Prometheus text, each sample labelled with this node. */
  String metricsText() {
    return PrometheusText.labelled(metrics.scrape(), nodeId());
  }
}
