package dev.skillbus.session;

import dev.skillbus.protocol.Event;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * This node's leaves of rooms: those under way, and those whose outcome the cluster did not tell.
 * A leave that fails (an operation timeout, a member lost) may still have been made: its entry
 * processor may have run before the call failed, taking the connection out, and with it its user,
 * whose {@code user-left} no result then announces. Such a leave is kept, with its connection,
 * until its outcome is known: a read of the room that no longer holds the connection shows that it
 * was made, and its {@code user-left} is owed when the room no longer holds the user either (a room
 * that still does holds another connection of theirs, or they came back); a leave of it again, whose
 * result came, says what that leave did, and so does a read that still holds the connection, which
 * a check then takes out.
 *
 * <p>A change naming the user in that room that this node announces (a join that brought them back,
 * a leave of their last connection) settles their unsure leaves there, those still under way too:
 * it was made once the connection had gone, so that leave left the user another connection, whose
 * leave announced them gone, or was followed by their return, which a {@code user-left} would only
 * contradict. So one leave never ends with two {@code user-left}. Used on the verticle's event loop.
 */
final class Exits {

  /**
   * A leave under way, as {@link #start} hands it out: its connection, when known, whether a later
   * change of its user settled it, and whether this node's stop took over its outcome.
   */
  static final class Leaving {
    private final String roomId;
    private final String connId;
    private final Connection connection;
    private boolean settled;
    private boolean takenOver;

    private Leaving(String roomId, String connId, Connection connection) {
      this.roomId = roomId;
      this.connId = connId;
      this.connection = connection;
    }
  }

  /**
   * Leaves under way, by room and connection id. Kept by room so that what one room's change
   * settles is found among that room's leaves alone: a node whose thousands of clients all drop at
   * once has as many leaves under way, each of which settles a user when it succeeds.
   */
  private final Map<String, Map<String, Leaving>> underWay = new HashMap<>();
  /** Leaves that failed and may have been made, with their connection, by room and connection id. */
  private final Map<String, Map<String, Connection>> unsure = new HashMap<>();

  /**
   * Notes a leave starting; {@code connection} is null when only its id is known (a leave sent again),
   * and then an unsure leave of it before lends it.
   */
  Leaving start(String roomId, String connId, Connection connection) {
    Leaving leaving = new Leaving(roomId, connId, connection != null ? connection : unsureOf(roomId, connId));
    underWay.computeIfAbsent(roomId, room -> new HashMap<>()).put(connId, leaving);
    return leaving;
  }

  boolean underWay(String roomId, String connId) {
    Map<String, Leaving> room = underWay.get(roomId);
    return room != null && room.containsKey(connId);
  }

  /** The leave failed: it is unsure, unless a later change of its user settled it meanwhile. */
  void failed(Leaving leaving) {
    endOf(leaving);
    if (!leaving.settled && !leaving.takenOver && leaving.connection != null) {
      unsure.computeIfAbsent(leaving.roomId, room -> new HashMap<>()).put(leaving.connId, leaving.connection);
    }
  }

  /**
   * The leave's result came: what it did is known, and settles an unsure leave of the connection
   * before it. Returns the change to announce: the leave's own, or, when it took out nothing and the
   * unsure leave had been made, that leave's as far as it is still true: its user gone, if they are.
   */
  RoomChange succeeded(Leaving leaving, RoomChange change) {
    endOf(leaving);
    if (leaving.takenOver) {
      return new RoomChange(List.of(), change.roster());
    }
    Connection earlier = null;
    Map<String, Connection> room = unsure.get(leaving.roomId);
    if (room != null) {
      earlier = room.remove(leaving.connId);
      dropIfEmpty(unsure, leaving.roomId, room);
    }
    return earlier != null && change.users().isEmpty() && change.roster().holds(Event.USER_LEFT, earlier.userId())
      ? new RoomChange(List.of(earlier), change.roster())
      : change;
  }

  /** A change of this node named these users in the room: their leaves there are settled (see above). */
  void settle(String roomId, List<Connection> users) {
    Set<String> userIds = new HashSet<>();
    users.forEach(user -> userIds.add(user.userId()));
    Map<String, Connection> failed = unsure.get(roomId);
    if (failed != null) {
      failed.values().removeIf(connection -> userIds.contains(connection.userId()));
      dropIfEmpty(unsure, roomId, failed);
    }
    Map<String, Leaving> leaving = underWay.get(roomId);
    if (leaving != null) {
      leaving.values().forEach(exit -> {
        if (exit.connection != null && userIds.contains(exit.connection.userId())) {
          exit.settled = true;
        }
      });
    }
  }

  /**
   * Settles the room's unsure leaves that a read of it shows were made: those whose connection
   * {@code held} no longer holds (one this node holds again, {@code ours}, is settled too: it is back).
   * Returns one connection for each user owed a {@code user-left}: one the roster no longer holds.
   * Leaves under way, and those whose connection the room still holds, stay unsure.
   */
  List<Connection> settle(String roomId, RoomRegistry.Held held, Set<String> ours) {
    List<Connection> owed = new ArrayList<>();
    Map<String, Connection> failed = unsure.get(roomId);
    if (failed == null) {
      return owed;
    }
    Set<String> users = new HashSet<>();
    failed.entrySet().removeIf(entry -> {
      String connId = entry.getKey();
      if (underWay(roomId, connId) || held.connections().containsKey(connId) && !ours.contains(connId)) {
        return false;
      }
      Connection connection = entry.getValue();
      if (!ours.contains(connId) && held.roster().holds(Event.USER_LEFT, connection.userId())
          && users.add(connection.userId())) {
        owed.add(connection);
      }
      return true;
    });
    dropIfEmpty(unsure, roomId, failed);
    return owed;
  }

  /**
   * This node took every connection of its own out of the room (it stops): its unsure leaves there
   * were all made, by them or by this. Returns one connection for each user owed a {@code user-left}:
   * one the roster no longer holds (those the node's own change named were settled by it already).
   */
  List<Connection> nodeLeft(String roomId, Roster roster) {
    List<Connection> owed = new ArrayList<>();
    Map<String, Connection> failed = unsure.remove(roomId);
    if (failed == null) {
      return owed;
    }
    Set<String> users = new HashSet<>();
    for (Connection connection : failed.values()) {
      if (roster.holds(Event.USER_LEFT, connection.userId()) && users.add(connection.userId())) {
        owed.add(connection);
      }
    }
    return owed;
  }

  /**
   * This node stopped and took its connections out of the room: the leaves still under way there
   * (a connection closed as the node stops, whose answer has not come, and may never) are its to
   * settle. Their results, if they come, announce nothing, and a failure leaves nothing unsure.
   * Returned: the connections of those whose user no change of this node named since (a settled
   * leave's user was announced already). A leave whose connection is unknown (sent again by its
   * client) is not taken over: its own result still says what it did.
   */
  List<Connection> takeOver(String roomId) {
    List<Connection> taken = new ArrayList<>();
    for (Leaving leaving : underWay.getOrDefault(roomId, Map.of()).values()) {
      if (leaving.connection == null) {
        continue;
      }
      leaving.takenOver = true;
      if (!leaving.settled) {
        taken.add(leaving.connection);
      }
    }
    return taken;
  }

  /** The rooms with leaves under way. */
  Set<String> underWayRooms() {
    return new HashSet<>(underWay.keySet());
  }

  /** Whether the room has leaves under way. */
  boolean leaving(String roomId) {
    return underWay.containsKey(roomId);
  }

  /** The rooms with leaves still unsure. */
  Set<String> unsureRooms() {
    return new HashSet<>(unsure.keySet());
  }

  /** Whether the room has leaves still unsure. */
  boolean unsure(String roomId) {
    return unsure.containsKey(roomId);
  }

  private Connection unsureOf(String roomId, String connId) {
    Map<String, Connection> room = unsure.get(roomId);
    return room != null ? room.get(connId) : null;
  }

  /** Ends a leave under way, unless a later leave of the same connection took its place. */
  private void endOf(Leaving leaving) {
    Map<String, Leaving> room = underWay.get(leaving.roomId);
    if (room != null) {
      room.remove(leaving.connId, leaving);
      dropIfEmpty(underWay, leaving.roomId, room);
    }
  }

  private static <V> void dropIfEmpty(Map<String, Map<String, V>> rooms, String roomId, Map<String, V> room) {
    if (room.isEmpty()) {
      rooms.remove(roomId, room);
    }
  }
}
