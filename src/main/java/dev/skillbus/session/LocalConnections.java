package dev.skillbus.session;

import dev.skillbus.auth.Identity;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntConsumer;

/**
 * This node's connections and the rooms each is in, with the name, role and time it joined each
 * room with, and the users who last set themselves inactive in a room through this node (what the
 * cluster-wide room state holds for them, so that it can be written there again).
 * Used only on the verticle's event loop. It answers "is this connection a member?" without a
 * cluster round trip, and tells which rooms to leave when a connection closes.
 */
final class LocalConnections {

  private final Map<String, Local> byConn = new HashMap<>();
  private final Map<String, Set<String>> byRoom = new HashMap<>();
  /** Joins on their way, by connection and room. */
  private final Map<List<String>, Future<?>> joining = new HashMap<>();
  /** Room → the users with a connection of this node there whose last activity through it was inactive. */
  private final Map<String, Set<String>> inactive = new HashMap<>();
  private final IntConsumer roomCount;

  /** Tells {@code roomCount} how many rooms have a connection of this node, whenever that changes. */
  LocalConnections(IntConsumer roomCount) {
    this.roomCount = roomCount;
  }

  /** Adds the connection to the room; false when it was already there. */
  boolean add(String connId, Identity identity, String roomId, Joined joined) {
    // Small: a connection is in one room, mostly (a map of 16 slots would be 64 bytes more).
    Local local = byConn.computeIfAbsent(connId, id -> new Local(identity, new HashMap<>(2)));
    if (local.rooms.putIfAbsent(roomId, joined) != null) {
      return false;
    }
    byRoom.computeIfAbsent(roomId, id -> new HashSet<>()).add(connId);
    roomCount.accept(byRoom.size());
    return true;
  }

  /** Removes the connection from the room; false when it was not there. */
  boolean remove(String connId, String roomId) {
    Local local = byConn.get(connId);
    if (local == null || local.rooms.remove(roomId) == null) {
      return false;
    }
    if (local.rooms.isEmpty()) {
      byConn.remove(connId);
    }
    Set<String> conns = byRoom.get(roomId);
    conns.remove(connId);
    if (conns.isEmpty()) {
      byRoom.remove(roomId);
      roomCount.accept(byRoom.size());
    }
    String userId = local.identity.userId();
    Set<String> users = inactive.get(roomId);
    if (users != null && !hasUserIn(roomId, userId) && users.remove(userId) && users.isEmpty()) {
      inactive.remove(roomId);
    }
    return true;
  }

  /** Notes the activity a user of a connection here set in the room. */
  void activity(String roomId, String userId, boolean active) {
    if (active) {
      Set<String> users = inactive.get(roomId);
      if (users != null && users.remove(userId) && users.isEmpty()) {
        inactive.remove(roomId);
      }
    } else if (hasUserIn(roomId, userId)) {
      inactive.computeIfAbsent(roomId, r -> new HashSet<>()).add(userId);
    }
  }

  /** Whether the user last set themselves active in the room through this node (or never set it). */
  boolean active(String roomId, String userId) {
    return !inactive.getOrDefault(roomId, Set.of()).contains(userId);
  }

  /** Notes the connection's join of the room, on its way until {@code join} completes. */
  void joining(String connId, String roomId, Future<?> join) {
    List<String> key = List.of(connId, roomId);
    joining.put(key, join);
    join.onComplete(done -> joining.remove(key, join));
  }

  /**
   * Completes once the connection's join of the room that is on its way, if any, is done, however
   * it ended: a request the client sent right after its join is handled after it (its message gets a
   * seq after the {@code user-joined} of the join), and finds the connection a member only if the
   * join succeeded.
   */
  Future<Void> joinDone(String connId, String roomId) {
    Future<?> join = joining.isEmpty() ? null : joining.get(List.of(connId, roomId));
    return join == null ? Future.succeededFuture() : join.transform(done -> Future.succeededFuture());
  }

  /** True while a join of the room by the connection is on its way. */
  boolean joining(String connId, String roomId) {
    return !joining.isEmpty() && joining.containsKey(List.of(connId, roomId));
  }

  boolean isIn(String connId, String roomId) {
    Local local = byConn.get(connId);
    return local != null && local.rooms.containsKey(roomId);
  }

  /** The name the connection joined the room with, or null when it is not in it. */
  String nameIn(String connId, String roomId) {
    Joined joined = joinedIn(connId, roomId);
    return joined == null ? null : joined.name();
  }

  /** The connection as the room's state holds it (on {@code nodeId}), or null when it is not in the room. */
  Connection connectionIn(String connId, String roomId, String nodeId) {
    Joined joined = joinedIn(connId, roomId);
    return joined == null ? null
      : new Connection(connId, byConn.get(connId).identity.userId(), joined.name(), joined.role(), nodeId, joined.at());
  }

  private Joined joinedIn(String connId, String roomId) {
    Local local = byConn.get(connId);
    return local == null ? null : local.rooms.get(roomId);
  }

  /** The connections of this node in the room. */
  Set<String> connectionsIn(String roomId) {
    return Set.copyOf(byRoom.getOrDefault(roomId, Set.of()));
  }

  Identity identityOf(String connId) {
    Local local = byConn.get(connId);
    return local == null ? null : local.identity;
  }

  /** How many rooms the connection is in. */
  int roomCountOf(String connId) {
    Local local = byConn.get(connId);
    return local == null ? 0 : local.rooms.size();
  }

  Set<String> roomsOf(String connId) {
    Local local = byConn.get(connId);
    return local == null ? Set.of() : Set.copyOf(local.rooms.keySet());
  }

  /** Whether this node still has a connection in the room. */
  boolean hasRoom(String roomId) {
    return byRoom.containsKey(roomId);
  }

  /** Whether the user still has a connection of this node in the room. */
  boolean hasUserIn(String roomId, String userId) {
    return byRoom.getOrDefault(roomId, Set.of()).stream()
      .anyMatch(connId -> byConn.get(connId).identity.userId().equals(userId));
  }

  Set<String> rooms() {
    return Set.copyOf(byRoom.keySet());
  }

  /** The rooms each connection joined: {@code {connId: [roomId]}}. */
  JsonObject toJson() {
    JsonObject memberships = new JsonObject();
    byConn.forEach((connId, local) -> memberships.put(connId, new JsonArray(List.copyOf(local.rooms.keySet()))));
    return memberships;
  }

  /**
   * The rooms of this node's connections: {@code {roomId: {users: [userId], connections, since}}},
   * the users sorted, {@code since} when the longest-present of them joined (epoch millis).
   */
  JsonObject roomsJson() {
    JsonObject rooms = new JsonObject();
    byRoom.forEach((roomId, conns) -> {
      TreeSet<String> users = new TreeSet<>();
      long since = Long.MAX_VALUE;
      for (String connId : conns) {
        Local local = byConn.get(connId);
        users.add(local.identity.userId());
        since = Math.min(since, local.rooms.get(roomId).at());
      }
      rooms.put(roomId, new JsonObject()
        .put("users", new JsonArray(List.copyOf(users)))
        .put("connections", conns.size())
        .put("since", since));
    });
    return rooms;
  }

  void clear() {
    byConn.clear();
    byRoom.clear();
    inactive.clear();
    joining.clear();
    roomCount.accept(0);
  }

  /** How a connection joined a room: the name and role it shows there, and when (epoch millis). */
  record Joined(String name, String role, long at) {
  }

  private record Local(Identity identity, Map<String, Joined> rooms) {
  }
}
