package dev.skillbus.session;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The cluster-wide state of one room: its connections, each user's presence, and the membership
 * {@code version}. Lives in the {@code skillbus.rooms} map and is only changed by
 * {@link RoomProcessors} on the key's owner, so every change is atomic and its result (first/last
 * connection of a user) is exact.
 *
 * <p>Every join or leave that adds or removes a connection raises the version, to
 * {@code max(version + 1, now)} with {@code now} the owner's clock in microseconds: the room's
 * presence events carry it, and the history stores them in its order (see {@link Roster}). A room
 * whose last connection left is removed from the map and starts again at 0, so the clock is what
 * keeps its next version above those of before. Cursor and activity updates leave it as it is.
 */
final class RoomState {

  private final Map<String, Connection> connections = new LinkedHashMap<>();
  private final Map<String, UserState> users = new HashMap<>();
  private long version;

  /**
   * Adds a connection at {@code now} (µs); the change names its user when it is the user's first one
   * here. {@code active}: the user's activity when this is their first connection in the room (a
   * connection written back keeps what its user last set), else theirs stays as it is.
   */
  RoomChange join(Connection connection, long now, boolean active) {
    if (connections.containsKey(connection.connId())) {
      return new RoomChange(List.of(), roster());
    }
    boolean firstOfUser = !users.containsKey(connection.userId());
    connections.put(connection.connId(), connection);
    if (firstOfUser) {
      UserState user = new UserState(connection.name(), connection.role(), connection.joinedAt());
      user.active = active;
      users.put(connection.userId(), user);
    }
    version = Math.max(version + 1, now);
    return new RoomChange(firstOfUser ? List.of(connection) : List.of(), roster());
  }

  /** Removes the matching connections at {@code now} (µs); the change names each user left with none. */
  RoomChange leave(Predicate<Connection> which, long now) {
    List<Connection> removed = new ArrayList<>();
    connections.values().removeIf(c -> which.test(c) && removed.add(c));
    List<Connection> gone = new ArrayList<>();
    for (Connection c : removed) {
      UserState user = users.get(c.userId());
      if (user != null && !hasConnectionOf(c.userId())) {
        users.remove(c.userId());
        // Named as peers saw the participant, whichever connection of theirs left last.
        gone.add(new Connection(c.connId(), c.userId(), user.name, user.role, c.nodeId(), user.joinedAt));
      }
    }
    if (!removed.isEmpty()) {
      version = Math.max(version + 1, now);
    }
    return new RoomChange(List.copyOf(gone), roster());
  }

  /** Raises the version to {@code atLeast} where it is lower; false when it was not. */
  boolean raise(long atLeast) {
    if (version >= atLeast) {
      return false;
    }
    version = atLeast;
    return true;
  }

  Roster roster() {
    return new Roster(participants(), version);
  }

  /** Records a user's activity and/or cursor (null leaves it as it was); false when not here. */
  boolean update(String userId, Boolean active, Integer line, Integer column) {
    UserState state = users.get(userId);
    if (state == null) {
      return false;
    }
    if (active != null) {
      state.active = active;
    }
    if (line != null) {
      state.line = line;
      state.column = column;
    }
    return true;
  }

  /**
   * One entry per user, with the name, role and time of the join that brought them in, oldest
   * first: those stay while the user is in the room, whichever of their connections leave.
   */
  List<Participant> participants() {
    List<Participant> list = new ArrayList<>();
    for (Map.Entry<String, UserState> user : users.entrySet()) {
      UserState s = user.getValue();
      list.add(new Participant(user.getKey(), s.name, s.role, s.active, s.line, s.column, s.joinedAt));
    }
    list.sort(Comparator.comparingLong(Participant::joinedAt).thenComparing(Participant::userId));
    return List.copyOf(list);
  }

  /** The nodes that hold connections here. */
  Set<String> nodeIds() {
    return connections.values().stream().map(Connection::nodeId).collect(Collectors.toSet());
  }

  /** The ids of the connections that {@code nodeId} holds here. */
  Set<String> connectionIdsOf(String nodeId) {
    return connectionsOf(nodeId).keySet();
  }

  /** The connections that {@code nodeId} holds here, by id. */
  Map<String, Connection> connectionsOf(String nodeId) {
    return connections.values().stream().filter(c -> c.nodeId().equals(nodeId))
      .collect(Collectors.toUnmodifiableMap(Connection::connId, c -> c));
  }

  boolean isEmpty() {
    return connections.isEmpty();
  }

  int connectionCount() {
    return connections.size();
  }

  /** When the longest-present connection joined (epoch millis); 0 when the room is empty. */
  long since() {
    return connections.values().stream().mapToLong(Connection::joinedAt).min().orElse(0);
  }

  /** The state as {@link RoomSerializers} writes it: the version, connections in join order, then each user's presence. */
  void writeTo(ObjectDataOutput out) throws IOException {
    out.writeLong(version);
    out.writeInt(connections.size());
    for (Connection connection : connections.values()) {
      RoomSerializers.writeConnection(out, connection);
    }
    out.writeInt(users.size());
    for (Map.Entry<String, UserState> user : users.entrySet()) {
      out.writeString(user.getKey());
      out.writeString(user.getValue().name);
      out.writeString(user.getValue().role);
      out.writeLong(user.getValue().joinedAt);
      out.writeBoolean(user.getValue().active);
      RoomSerializers.writeNullableInt(out, user.getValue().line);
      RoomSerializers.writeNullableInt(out, user.getValue().column);
    }
  }

  static RoomState readFrom(ObjectDataInput in) throws IOException {
    RoomState state = new RoomState();
    state.version = in.readLong();
    int connectionCount = in.readInt();
    for (int i = 0; i < connectionCount; i++) {
      Connection connection = RoomSerializers.readConnection(in);
      state.connections.put(connection.connId(), connection);
    }
    int userCount = in.readInt();
    for (int i = 0; i < userCount; i++) {
      String userId = in.readString();
      UserState user = new UserState(in.readString(), in.readString(), in.readLong());
      user.active = in.readBoolean();
      user.line = RoomSerializers.readNullableInt(in);
      user.column = RoomSerializers.readNullableInt(in);
      state.users.put(userId, user);
    }
    return state;
  }

  private boolean hasConnectionOf(String userId) {
    return connections.values().stream().anyMatch(c -> c.userId().equals(userId));
  }

  /**
   * A user's presence in the room: the name, role and time of the join that brought them in; a
   * user who just joined is active and has no cursor yet.
   */
  private static final class UserState {
    private final String name;
    private final String role;
    private final long joinedAt;
    private boolean active = true;
    private Integer line;
    private Integer column;

    UserState(String name, String role, long joinedAt) {
      this.name = name;
      this.role = role;
      this.joinedAt = joinedAt;
    }
  }
}
