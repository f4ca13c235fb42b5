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

  private final String nodeId;
  private final RoomRegistry registry;
  private final PresenceEvents presence;
  private final Exits exits;
  /**
   * Cleanups after a departed node that failed, and may have been made all the same: by room and
   * node, the connections that node had there, read before the first try (see {@link #leaveNode}).
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
   * left with none: after that node died, or for this node when it stops. The node → rooms record
   * of a room goes once the room is done, so that what failed is found and done again; done twice,
   * a room changes nothing and announces nothing. A removal that failed may have been made (its reply
   * lost): the connections the departed node had in the room, read before, are kept, and the users
   * among them that the removal done again finds gone, with no event of theirs, are announced then.
   */
  Future<Void> leaveNode(String departedNode, Collection<String> roomIds) {
    boolean self = departedNode.equals(nodeId);
    List<Future<Void>> leaves = new ArrayList<>();
    for (String roomId : roomIds) {
      List<String> cleanup = List.of(roomId, departedNode);
      Future<Map<String, Connection>> before = self ? Future.succeededFuture(Map.of())
        : registry.held(roomId, departedNode).map(RoomRegistry.Held::connections).otherwise(Map.of());
      leaves.add(before.compose(had -> registry.leaveNode(roomId, departedNode)
          .onFailure(err -> unsureCleanups.merge(cleanup, had, (a, b) -> {
            Map<String, Connection> both = new HashMap<>(a);
            both.putAll(b);
            return both;
          })))
        .compose(change -> presence.announce(roomId, Event.USER_LEFT, change)
          .compose(v -> self ? owedOnStop(roomId, change.roster()) : owedAfterCleanup(cleanup, change)))
        .compose(v -> registry.forget(departedNode, roomId))
        .onFailure(err -> LOG.warn("Could not remove node {} from room {}", departedNode, roomId, err)));
    }
    return Future.join(leaves).mapEmpty();
  }

  /**
   * This node stopped and took its connections out of the room: a leave of it that failed but was
   * made owes its {@code user-left} now, as no check will run any more to find it (see {@link Exits}).
   */
  private Future<Void> owedOnStop(String roomId, Roster roster) {
    List<Future<Void>> owed = new ArrayList<>();
    for (Connection user : exits.nodeLeft(roomId, roster)) {
      owed.add(presence.owedLeft(roomId, user, roster));
    }
    return Future.join(owed).mapEmpty();
  }

  /**
   * A cleanup after a departed node was made, after one that failed: each user of that node's
   * connections read before it, whom the room no longer holds and this change did not name, is owed
   * a {@code user-left} (unless peers show them gone already: see {@link PresenceEvents#owedLeft}).
   */
  private Future<Void> owedAfterCleanup(List<String> cleanup, RoomChange change) {
    Map<String, Connection> had = unsureCleanups.remove(cleanup);
    if (had == null) {
      return Future.succeededFuture();
    }
    String roomId = cleanup.get(0);
    Set<String> users = new HashSet<>();
    change.users().forEach(user -> users.add(user.userId()));
    List<Future<Void>> owed = new ArrayList<>();
    for (Connection connection : had.values()) {
      if (change.roster().holds(Event.USER_LEFT, connection.userId()) && users.add(connection.userId())) {
        owed.add(presence.owedLeft(roomId, connection, change.roster()));
      }
    }
    return Future.join(owed).mapEmpty();
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
