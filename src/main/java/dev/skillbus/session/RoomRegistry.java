package dev.skillbus.session;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.multimap.MultiMap;
import dev.skillbus.cluster.Nodes;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Room membership, cluster-wide, in Hazelcast: the {@code skillbus.rooms} map (room id →
 * {@link RoomState}, changed only by {@link RoomProcessors}) and the {@code skillbus.node-rooms}
 * multimap (node id → the rooms where that node has connections), which lets a survivor clean up
 * after a node that died. Node ids are those of {@link dev.skillbus.cluster.Nodes}. Every result
 * comes back on the verticle's context.
 */
final class RoomRegistry {

  static final String ROOMS = "skillbus.rooms";
  static final String NODE_ROOMS = "skillbus.node-rooms";

  private final Context context;
  private final HazelcastInstance hazelcast;
  private final IMap<String, RoomState> rooms;
  private final MultiMap<String, String> nodeRooms;
  // This node's rooms as written (or being written) to the multimap; used on the context only.
  private final Map<String, Future<Void>> tracked = new HashMap<>();

  RoomRegistry(Context context, HazelcastInstance hazelcast) {
    this.context = context;
    this.hazelcast = hazelcast;
    this.rooms = hazelcast.getMap(ROOMS);
    this.nodeRooms = hazelcast.getMultiMap(NODE_ROOMS);
  }

  Future<RoomChange> join(String roomId, Connection connection) {
    return join(roomId, connection, true);
  }

  /** The same; {@code active}: the user's activity if this is their first connection in the room. */
  Future<RoomChange> join(String roomId, Connection connection, boolean active) {
    return Future.fromCompletionStage(rooms.submitToKey(roomId, new RoomProcessors.Join(connection, active)), context);
  }

  Future<RoomChange> leave(String roomId, String connId) {
    return Future.fromCompletionStage(rooms.submitToKey(roomId, RoomProcessors.Leave.connection(connId)), context);
  }

  /** Removes every connection of {@code nodeId} from the room. */
  Future<RoomChange> leaveNode(String roomId, String nodeId) {
    return Future.fromCompletionStage(rooms.submitToKey(roomId, RoomProcessors.Leave.node(nodeId)), context);
  }

  /** Records activity and/or cursor of a user (null = unchanged); false when the user is not in the room. */
  Future<Boolean> update(String roomId, String userId, Boolean active, Integer line, Integer column) {
    RoomProcessors.Update update = new RoomProcessors.Update(userId, active, line, column);
    return Future.fromCompletionStage(rooms.submitToKey(roomId, update), context);
  }

  /** Records the latest cursors of users of the room (users no longer there are skipped). */
  Future<Boolean> updateCursors(String roomId, Map<String, RoomProcessors.Position> positions) {
    return Future.fromCompletionStage(rooms.submitToKey(roomId, new RoomProcessors.Cursors(positions)), context);
  }

  Future<List<Participant>> participants(String roomId) {
    return roster(roomId).map(Roster::participants);
  }

  /** The room's participants and membership version, as they are now. */
  Future<Roster> roster(String roomId) {
    return Future.fromCompletionStage(rooms.getAsync(roomId), context)
      .map(state -> state == null ? Roster.EMPTY : state.roster());
  }

  /** The same, the room's version first raised to {@code atLeast} (see {@link RoomProcessors.ReadAtLeast}). */
  Future<Roster> roster(String roomId, long atLeast) {
    return Future.fromCompletionStage(rooms.submitToKey(roomId, new RoomProcessors.ReadAtLeast(atLeast)), context);
  }

  /** The connections of {@code nodeId} that the room's state holds, and its roster, read at once. */
  Future<Held> held(String roomId, String nodeId) {
    return Future.fromCompletionStage(rooms.getAsync(roomId), context)
      .map(state -> state == null ? new Held(Map.of(), Roster.EMPTY) : new Held(state.connectionsOf(nodeId), state.roster()));
  }

  /** What a room's state holds of one node: its connections there, by id, and the room's roster. */
  record Held(Map<String, Connection> connections, Roster roster) {
  }

  Future<Boolean> hasMembers(String roomId) {
    return Future.fromCompletionStage(rooms.getAsync(roomId), context).map(state -> state != null);
  }

  // The multimap has no asynchronous API in Hazelcast 5.3. Ordered blocking calls keep a node's
  // own adds and removes for one room in the order it made them. Each room is written once while
  // the node has connections there, not once per join: the blocking calls run one at a time, and
  // thousands of joins queued behind them made joins slow while clients connected.

  /** Notes that {@code nodeId} has connections in the room; completes before they are added. */
  Future<Void> trackRoom(String nodeId, String roomId) {
    return tracked.computeIfAbsent(roomId, r -> recordRoom(nodeId, r).onFailure(e -> tracked.remove(r)));
  }

  /** Writes the room into the node's record again, whatever this node believes it wrote. */
  Future<Void> recordRoom(String nodeId, String roomId) {
    return context.executeBlocking(() -> nodeRooms.put(nodeId, roomId), true).mapEmpty();
  }

  /** Notes that {@code nodeId} has no connections left in the room. */
  Future<Void> untrackRoom(String nodeId, String roomId) {
    tracked.remove(roomId);
    return forget(nodeId, roomId);
  }

  /** Forgets that {@code nodeId} had connections in the room (this node's own cache aside). */
  Future<Void> forget(String nodeId, String roomId) {
    return context.executeBlocking(() -> nodeRooms.remove(nodeId, roomId), true).mapEmpty();
  }

  /** The rooms where {@code nodeId} has (or had, until cleaned up after) connections. */
  Future<Collection<String>> roomsOf(String nodeId) {
    return context.<Collection<String>>executeBlocking(() -> Set.copyOf(nodeRooms.get(nodeId)), true);
  }

  /**
   * Every room whose state holds connections of nodes not in the cluster now, with those nodes: a
   * scan of the whole map, for what no node → rooms record names any more (see {@link NodeDepartures#nodes}).
   */
  Future<Map<String, ArrayList<String>>> roomsOfNodesGone() {
    Set<String> live = Nodes.liveIds(hazelcast);
    return context.executeBlocking(() -> rooms.executeOnEntries(new RoomProcessors.NodesGone(live)), false);
  }

  /** The nodes that the node → rooms record names. */
  Future<Collection<String>> nodes() {
    return context.<Collection<String>>executeBlocking(() -> Set.copyOf(nodeRooms.keySet()), true);
  }
}
