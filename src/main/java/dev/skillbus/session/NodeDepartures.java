package dev.skillbus.session;

import dev.skillbus.cluster.DepartedNodes;
import dev.skillbus.protocol.Event;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes all the connections of a node out of its rooms: those of a node that left the cluster
 * (died, or was cut off), which the surviving nodes clean up after (see {@link DepartedNodes}), and
 * this node's own when it stops. A user appears gone ({@code user-left}) once none of their
 * connections is left in a room.
 */
final class NodeDepartures implements DepartedNodes.Records {

  private static final Logger LOG = LoggerFactory.getLogger(NodeDepartures.class);
  /**
   * How often a stopping node tries the removal of its connections from a room, and how long it
   * waits for each: a node's stop must not wait on a troubled cluster for long.
   */
  static final int STOP_ATTEMPTS = 3;
  static final long STOP_TRY_MS = 4_000;
  /**
   * How long a stopping node waits for all of it (what the tries leave to announcing included):
   * then it hands on the presence events the store refused, well within the 30 s a node's shutdown
   * waits, whatever Hazelcast still holds up.
   */
  static final long STOP_MS = 16_000;

  private final String nodeId;
  private final RoomRegistry registry;
  private final PresenceEvents presence;
  private final Exits exits;
  /**
   * Cleanups after a departed node that failed, and may have been made all the same: by room and
   * node, the connections that node had there, read before the first try (see {@link #leaveNode});
   * this node's own removal as it stops, with the connections it knew it had (see {@link #leaveOwn}).
   */
  private final Map<List<String>, Map<String, Connection>> unsureCleanups = new HashMap<>();
  /** The rooms that scans found holding connections of departed nodes (see {@link #nodes}). */
  private final Strays strays = new Strays();

  /** {@code exits} holds this node's unsure leaves, whose {@code user-left} a stop of this node owes. */
  NodeDepartures(String nodeId, RoomRegistry registry, PresenceEvents presence, Exits exits) {
    this.nodeId = nodeId;
    this.registry = registry;
    this.presence = presence;
    this.exits = exits;
  }

  /**
   * Removes every connection of {@code departedNode} from the given rooms and announces each user
   * left with none, after that node died (this node's own when it stops: {@link #leaveOwn}). The
   * node → rooms record of a room goes once the room is done, so that what failed is found and done
   * again; done twice, a room changes nothing and announces nothing. A removal that failed may have
   * been made (its reply lost): the connections the departed node had in the room, read before, are
   * kept, and the users among them that the removal done again finds gone, with no event of theirs,
   * are announced then.
   */
  Future<Void> leaveNode(String departedNode, Collection<String> roomIds) {
    List<Future<Void>> leaves = new ArrayList<>();
    for (String roomId : roomIds) {
      Future<Map<String, Connection>> before = departedNode.equals(nodeId) ? Future.succeededFuture(Map.of())
        : registry.held(roomId, departedNode).map(RoomRegistry.Held::connections).otherwise(Map.of());
      leaves.add(leaveRoom(departedNode, roomId, before, 0));
    }
    return Future.join(leaves).mapEmpty();
  }

  /**
   * Takes this node's own connections out of their rooms as it stops, announcing each user left
   * with none ({@code own}: by room, the connections this node had there). No check runs on this
   * node any more, and a removal that was made though it failed leaves nothing for the other nodes'
   * cleanup after this one to find: so a room's removal that fails, or gets no answer within
   * {@link #STOP_TRY_MS}, is done again, up to {@link #STOP_ATTEMPTS} times in all, and one that
   * finds the connections gone announces the users it took out. The stop's caller waits for it
   * {@link #STOP_MS} at most, not for Hazelcast's own operation timeout.
   */
  Future<Void> leaveOwn(Collection<String> roomIds, Map<String, Map<String, Connection>> own) {
    List<Future<Void>> leaves = new ArrayList<>();
    for (String roomId : roomIds) {
      leaves.add(leaveOwn(roomId, own.getOrDefault(roomId, Map.of()), 1));
    }
    return Future.join(leaves).mapEmpty();
  }

  private Future<Void> leaveOwn(String roomId, Map<String, Connection> had, int attempt) {
    Future<Void> left = leaveRoom(nodeId, roomId, Future.succeededFuture(had), STOP_TRY_MS);
    return left.transform(ar -> ar.failed() && attempt < STOP_ATTEMPTS && unsureCleanups.containsKey(List.of(roomId, nodeId))
      ? leaveOwn(roomId, had, attempt + 1) : left);
  }

  /**
   * Removes the departed node's connections from one room; {@code before}: those it has there, read
   * before the removal; {@code tryTimeoutMs}: how long the removal may take before it counts as
   * failed (and maybe made), 0 for Hazelcast's own timeout.
   */
  private Future<Void> leaveRoom(String departedNode, String roomId, Future<Map<String, Connection>> before,
                                 long tryTimeoutMs) {
    boolean self = departedNode.equals(nodeId);
    List<String> cleanup = List.of(roomId, departedNode);
    return before.compose(had -> {
        Future<RoomChange> removal = registry.leaveNode(roomId, departedNode);
        return (tryTimeoutMs > 0 ? removal.timeout(tryTimeoutMs, TimeUnit.MILLISECONDS) : removal)
          .onFailure(err -> unsureCleanups.merge(cleanup, had, (a, b) -> {
            Map<String, Connection> both = new HashMap<>(a);
            both.putAll(b);
            return both;
          }));
      })
      .compose(change -> {
        // Who peers show is read before this change's events: each event announced changes it.
        boolean mayOwe = unsureCleanups.containsKey(cleanup) || self && (exits.unsure(roomId) || exits.leaving(roomId));
        Future<Predicate<String>> shown = mayOwe ? presence.shown(roomId) : Future.succeededFuture(userId -> true);
        // Owed events go on when the store refused the change's: those it refuses too are kept as theirs are.
        return shown.compose(peersShow -> presence.announce(roomId, Event.USER_LEFT, change).transform(announced -> {
          Future<Void> owed = presence.owedLeft(roomId, owed(cleanup, change, self), change.roster(), peersShow);
          return announced.failed() ? owed.transform(ar -> Future.<Void>failedFuture(announced.cause())) : owed;
        }));
      })
      .compose(v -> registry.forget(departedNode, roomId))
      .onFailure(err -> LOG.warn("Could not remove node {} from room {}", departedNode, roomId, err));
  }

  /**
   * The users a removal of a node's connections from the room owes a {@code user-left}, once the
   * events of its change are announced (the change's own users are settled then):
   * <ul>
   *   <li>after a removal that failed, made now: each user of that node's connections read before it
   *   (this node's own: those it knew it had), whom the room no longer holds and this change did not
   *   name;</li>
   *   <li>when this node stops ({@code self}): each user of its leaves that failed but were made,
   *   whom the room no longer holds, as no check will run any more to find them (see {@link Exits});
   *   and of its leaves still under way (connections closed as it stops), whose outcome it takes over:
   *   an answer lost comes only after Hazelcast's operation timeout, when this node is gone.</li>
   * </ul>
   * The caller announces them unless peers show them gone already (see {@link PresenceEvents#shown}).
   */
  private List<Connection> owed(List<String> cleanup, RoomChange change, boolean self) {
    String roomId = cleanup.get(0);
    Set<String> users = new HashSet<>();
    change.users().forEach(user -> users.add(user.userId()));
    List<Connection> owed = new ArrayList<>();
    Map<String, Connection> had = unsureCleanups.remove(cleanup);
    for (Connection connection : had == null ? List.<Connection>of() : had.values()) {
      if (change.roster().holds(Event.USER_LEFT, connection.userId()) && users.add(connection.userId())) {
        owed.add(connection);
      }
    }
    for (Connection connection : self ? exits.nodeLeft(roomId, change.roster()) : List.<Connection>of()) {
      if (users.add(connection.userId())) {
        owed.add(connection);
      }
    }
    for (Connection connection : self ? exits.takeOver(roomId) : List.<Connection>of()) {
      if (change.roster().holds(Event.USER_LEFT, connection.userId()) && users.add(connection.userId())) {
        owed.add(connection);
      }
    }
    return owed;
  }

  /**
   * The nodes that the node → rooms record names, and those that rooms' states still hold
   * connections of although they are not in the cluster: a node's record can be lost with it (its
   * only copies were on that node and another that died with it), and the scan of the rooms finds
   * what it named. The rooms the scan found are kept for {@link #cleanUp} of those nodes.
   */
  @Override
  public Future<Collection<String>> nodes() {
    return registry.roomsOfNodesGone().compose(found -> {
      strays.found(found);
      return registry.nodes().map(recorded -> {
        Set<String> named = new HashSet<>(recorded);
        named.addAll(strays.nodes());
        return named;
      });
    });
  }

  /**
   * Removes the connections of a node that left the cluster from every room it was in: those its
   * record names, and those the scans of the rooms found (see {@link #nodes}).
   */
  @Override
  public Future<Boolean> cleanUp(String departedNode) {
    Set<String> found = strays.of(departedNode);
    return registry.roomsOf(departedNode).compose(recorded -> {
      Set<String> rooms = new HashSet<>(recorded);
      rooms.addAll(found);
      LOG.info("Removing the connections of node {} from {} rooms", departedNode, rooms.size());
      return leaveNode(departedNode, rooms).map(v -> !rooms.isEmpty());
    }).onSuccess(v -> strays.cleaned(departedNode, found));
  }
}
