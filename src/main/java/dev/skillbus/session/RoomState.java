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

/**
 * The cluster-wide state of one room: its connections and each user's presence. Lives in the
 * {@code skillbus.rooms} map and is only changed by {@link RoomProcessors} on the key's owner, so
 * every change is atomic and its result (first/last connection of a user) is exact.
 */
final class RoomState {

  private final Map<String, Connection> connections = new LinkedHashMap<>();
  private final Map<String, UserState> users = new HashMap<>();

  /** Adds a connection; the change names its user when it is the user's first one here. */
  RoomChange join(Connection connection) {
    if (connections.containsKey(connection.connId())) {
      return new RoomChange(List.of(), participants());
    }
    boolean firstOfUser = !users.containsKey(connection.userId());
    connections.put(connection.connId(), connection);
    users.putIfAbsent(connection.userId(), new UserState());
    return new RoomChange(firstOfUser ? List.of(connection) : List.of(), participants());
  }

  /** Removes the matching connections; the change names each user left with none. */
  RoomChange leave(Predicate<Connection> which) {
    List<Connection> removed = new ArrayList<>();
    connections.values().removeIf(c -> which.test(c) && removed.add(c));
    List<Connection> gone = new ArrayList<>();
    for (Connection c : removed) {
      if (users.containsKey(c.userId()) && !hasConnectionOf(c.userId())) {
        users.remove(c.userId());
        gone.add(c);
      }
    }
    return new RoomChange(List.copyOf(gone), participants());
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

  /** One entry per user, with their first connection's name, role and time, oldest first. */
  List<Participant> participants() {
    Map<String, Connection> first = new HashMap<>();
    for (Connection c : connections.values()) {
      first.merge(c.userId(), c, (a, b) -> b.joinedAt() < a.joinedAt() ? b : a);
    }
    List<Participant> list = new ArrayList<>();
    for (Connection c : first.values()) {
      UserState s = users.get(c.userId());
      list.add(new Participant(c.userId(), c.name(), c.role(), s.active, s.line, s.column, c.joinedAt()));
    }
    list.sort(Comparator.comparingLong(Participant::joinedAt).thenComparing(Participant::userId));
    return List.copyOf(list);
  }

  Set<String> connectionIds() {
    return Set.copyOf(connections.keySet());
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

  /** The state as {@link RoomSerializers} writes it: connections in join order, then each user's presence. */
  void writeTo(ObjectDataOutput out) throws IOException {
    out.writeInt(connections.size());
    for (Connection connection : connections.values()) {
      RoomSerializers.writeConnection(out, connection);
    }
    out.writeInt(users.size());
    for (Map.Entry<String, UserState> user : users.entrySet()) {
      out.writeString(user.getKey());
      out.writeBoolean(user.getValue().active);
      RoomSerializers.writeNullableInt(out, user.getValue().line);
      RoomSerializers.writeNullableInt(out, user.getValue().column);
    }
  }

  static RoomState readFrom(ObjectDataInput in) throws IOException {
    RoomState state = new RoomState();
    int connectionCount = in.readInt();
    for (int i = 0; i < connectionCount; i++) {
      Connection connection = RoomSerializers.readConnection(in);
      state.connections.put(connection.connId(), connection);
    }
    int userCount = in.readInt();
    for (int i = 0; i < userCount; i++) {
      String userId = in.readString();
      UserState user = new UserState();
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

  /** A user's presence in the room; a user who just joined is active and has no cursor yet. */
  private static final class UserState {
    private boolean active = true;
    private Integer line;
    private Integer column;
  }
}
