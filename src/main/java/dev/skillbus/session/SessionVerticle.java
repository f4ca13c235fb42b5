package dev.skillbus.session;

import com.hazelcast.core.HazelcastInstance;
import dev.skillbus.auth.RoomRules;
import dev.skillbus.cluster.DepartedNodes;
import dev.skillbus.cluster.Nodes;
import dev.skillbus.ops.Metrics;
import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.Inbound;
import dev.skillbus.protocol.Requests;
import dev.skillbus.store.RoomHistory;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rooms: membership (cluster-wide, in Hazelcast), presence, cursors, activity, messages and room
 * history. It serves the {@code session.*} requests of its own node's bridge connections, and the
 * room services of {@code protocol.Internal} to its node's other parts, so deploy exactly one
 * instance per node. When a node dies, the oldest node removes its connections (see
 * {@link DepartedNodes}); when this node stops, it removes its own first.
 *
 * <p>Config (its own object): {@code cursorMaxPerSecond} (cursor publications per user and room,
 * default 30), {@code roomIdleSeconds} (an empty room's history is forgotten after this, default
 * 1800), {@code sweepIntervalSeconds} (how often idle rooms, rooms still holding connections of
 * nodes that left, and this node's connections missing from their rooms or listed there after they
 * left are looked for; default 60),
 * {@code history.pageMaxEvents} and {@code history.pageMaxBytes} (the most events, and bytes of
 * them, one reply carries; default 200 and 256 KiB).
 */
public final class SessionVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SessionVerticle.class);
  /** How long another node has to take over a presence event when this one stops. */
  private static final long HANDOFF_TIMEOUT_MS = 2000;

  private final HazelcastInstance hazelcast;
  private final RoomHistory history;
  private final Metrics metrics;
  private final RoomRules rules;
  private SessionSettings settings;
  private RoomRegistry registry;
  private RoomSweeper sweeper;
  private LocalConnections locals;
  private RoomActions actions;
  private Membership membership;
  private PresenceEvents presence;
  private NodeDepartures departures;
  private Exits exits;
  private DepartedNodes departed;
  private long checkTimer;
  private long retryTimer;
  private MessageConsumer<JsonObject> handoff;
  /** This node's id, which its connections in rooms carry (see {@link Nodes}). */
  private String nodeId;

  /** Rooms without access rules, meters of its own (a session part deployed alone). */
  public SessionVerticle(HazelcastInstance hazelcast, RoomHistory history) {
    this(hazelcast, history, Metrics.create(), RoomRules.open());
  }

  /** With the node's meters and the rooms' access rules, which joins obey. */
  public SessionVerticle(HazelcastInstance hazelcast, RoomHistory history, Metrics metrics, RoomRules rules) {
    this.hazelcast = hazelcast;
    this.history = history;
    this.metrics = metrics;
    this.rules = rules;
  }

  @Override
  public Future<?> start() {
    settings = SessionSettings.from(config());
    nodeId = Nodes.localId(hazelcast);
    registry = new RoomRegistry(context, hazelcast);
    sweeper = new RoomSweeper(vertx, registry, history, settings.roomIdleSeconds());
    RoomEvents events = new RoomEvents(vertx.eventBus(), history, sweeper, metrics, settings.historyPage());
    locals = new LocalConnections(metrics::roomsOnNode);
    actions = new RoomActions(vertx, settings, registry, events, locals);
    exits = new Exits();
    presence = new PresenceEvents(registry, events, exits);
    membership = new Membership(nodeId, registry, events, locals, actions.cursors(), rules, settings, presence, exits,
      metrics::clusterRepair);
    departures = new NodeDepartures(nodeId, registry, presence, exits);
    RoomServices services = new RoomServices(registry, events, locals);
    List<MessageConsumer<JsonObject>> consumers = List.of(
      serve(Inbound.SESSION_JOIN.address(), membership::join),
      serve(Inbound.SESSION_LEAVE.address(), membership::leave),
      serve(Inbound.SESSION_CURSOR.address(), actions::cursor),
      serve(Inbound.SESSION_ACTIVITY.address(), actions::activity),
      serve(Inbound.SESSION_MESSAGE.address(), actions::message),
      serve(Inbound.SESSION_HISTORY.address(), actions::history),
      serve(Address.CONNECTION_CLOSED, membership::connectionClosed),
      serve(Address.ROOM_EVENT, services::roomEvent),
      serve(Address.ROOM_PARTICIPANTS, services::participants),
      serve(Address.LOCAL_ROOMS, services::localRooms),
      serve(Address.ROOM_POSITIONS, services::positions),
      serve(Address.LOCAL_MEMBERSHIPS, services::memberships));
    departed = new DepartedNodes(vertx, hazelcast, "rooms", departures, () -> metrics.clusterRepair("departed_node_rooms"));
    departed.start(settings.sweepIntervalSeconds() * 1000);
    checkTimer = vertx.setPeriodic(settings.sweepIntervalSeconds() * 1000, id -> membership.checkRooms());
    // What the store or the cluster refused: presence events to send, rooms where a leave failed.
    retryTimer = vertx.setPeriodic(1000, id -> {
      presence.announceRefused();
      membership.checkRoomsInDoubt();
    });
    handoff = vertx.eventBus().consumer(Address.PRESENCE_HANDOFF, message -> Requests.serve(message, presence::takeOver));
    sweeper.start(settings.sweepIntervalSeconds());
    LOG.info("Session verticle started on node {}", nodeId);
    List<Future<Void>> registered = new ArrayList<>(consumers.stream().map(MessageConsumer::completion).toList());
    registered.add(handoff.completion());
    return Future.all(registered);
  }

  /** Node-local: the bridge of this node sends these for its own connections. */
  private MessageConsumer<JsonObject> serve(String address, Function<Message<JsonObject>, Future<?>> handler) {
    return vertx.eventBus().localConsumer(address, message -> Requests.serve(message, handler));
  }

  /**
   * Takes this node's connections out of their rooms (announcing who left) before the node leaves
   * the cluster; {@code vertx.close()} undeploys verticles while the event bus still works.
   */
  @Override
  public Future<?> stop() {
    sweeper.stop();
    actions.stop();
    departed.stop();
    vertx.cancelTimer(checkTimer);
    vertx.cancelTimer(retryTimer);
    membership.stopChecks();
    Set<String> rooms = new HashSet<>(locals.rooms());
    Map<String, Map<String, Connection>> own = new HashMap<>();
    for (String roomId : rooms) {
      Map<String, Connection> here = own.computeIfAbsent(roomId, r -> new HashMap<>());
      locals.connectionsIn(roomId).forEach(connId -> here.put(connId, locals.connectionIn(connId, roomId, nodeId)));
    }
    rooms.addAll(exits.unsureRooms());
    rooms.addAll(exits.underWayRooms());
    locals.clear();
    if (!hazelcast.getLifecycleService().isRunning()) {
      // Hazelcast is gone already (terminated): a survivor cleans up after us as after a crash.
      return Future.succeededFuture();
    }
    return registry.roomsOf(nodeId).timeout(NodeDepartures.STOP_TRY_MS, TimeUnit.MILLISECONDS)
      .recover(err -> Future.succeededFuture(List.of()))
      .compose(tracked -> {
        rooms.addAll(tracked);
        return departures.leaveOwn(new ArrayList<>(rooms), own).timeout(NodeDepartures.STOP_MS, TimeUnit.MILLISECONDS);
      })
      .onFailure(err -> LOG.warn("Could not remove the connections of node {}", nodeId, err))
      // Presence events the store refused (these leaves among them) go to a node that stays; not to this one.
      .transform(ar -> handoff.unregister())
      .transform(ar -> presence.handOffRefused(vertx.eventBus(), HANDOFF_TIMEOUT_MS));
  }
}
