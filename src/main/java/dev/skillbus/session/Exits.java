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

  /** A connection's leave of a room. */
  private record Exit(String roomId, String connId) {
  }

  /**
   * A leave under way, as {@link #start} hands it out: its connection, when known, and whether a
   * later change of its user settled it.
   */
  static final class Leaving {
    private final Exit exit;
    private final Connection connection;
    private boolean settled;

    private Leaving(Exit exit, Connection connection) {
      this.exit = exit;
      this.connection = connection;
    }
  }

  private final Map<Exit, Leaving> underWay = new HashMap<>();
  /** Leaves that failed and may have been made, with their connection. */
  private final Map<Exit, Connection> unsure = new HashMap<>();

  /**
   * Notes a leave starting; {@code connection} is null when only its id is known (a leave sent again),
   * and then an unsure leave of it before lends it.
   */
  Leaving start(String roomId, String connId, Connection connection) {
    Exit exit = new Exit(roomId, connId);
    Leaving leaving = new Leaving(exit, connection != null ? connection : unsure.get(exit));
    underWay.put(exit, leaving);
    return leaving;
  }

  boolean underWay(String roomId, String connId) {
    return underWay.containsKey(new Exit(roomId, connId));
  }

  /** The leave failed: it is unsure, unless a later change of its user settled it meanwhile. */
  void failed(Leaving leaving) {
    underWay.remove(leaving.exit, leaving);
    if (!leaving.settled && leaving.connection != null) {
      unsure.put(leaving.exit, leaving.connection);
    }
  }

  /**
   * The leave's result came: what it did is known, and settles an unsure leave of the connection
   * before it. Returns the change to announce: the leave's own, or, when it took out nothing and the
   * unsure leave had been made, that leave's as far as it is still true: its user gone, if they are.
   */
  RoomChange succeeded(Leaving leaving, RoomChange change) {
    underWay.remove(leaving.exit, leaving);
    Connection earlier = unsure.remove(leaving.exit);
    return earlier != null && change.users().isEmpty() && change.roster().holds(Event.USER_LEFT, earlier.userId())
      ? new RoomChange(List.of(earlier), change.roster())
      : change;
  }

  /** A change of this node named these users in the room: their leaves there are settled (see above). */
  void settle(String roomId, List<Connection> users) {
    for (Connection user : users) {
      unsure.entrySet().removeIf(e -> e.getKey().roomId().equals(roomId) && e.getValue().userId().equals(user.userId()));
      underWay.forEach((exit, leaving) -> {
        if (exit.roomId().equals(roomId) && leaving.connection != null && leaving.connection.userId().equals(user.userId())) {
          leaving.settled = true;
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
    Set<String> users = new HashSet<>();
    unsure.entrySet().removeIf(entry -> {
      Exit exit = entry.getKey();
      if (!exit.roomId().equals(roomId) || underWay.containsKey(exit)
          || held.connections().containsKey(exit.connId()) && !ours.contains(exit.connId())) {
        return false;
      }
      Connection connection = entry.getValue();
      if (!ours.contains(exit.connId()) && held.roster().holds(Event.USER_LEFT, connection.userId())
          && users.add(connection.userId())) {
        owed.add(connection);
      }
      return true;
    });
    return owed;
  }

  /**
   * This node took every connection of its own out of the room (it stops): its unsure leaves there
   * were all made, by them or by this. Returns one connection for each user owed a {@code user-left}:
   * one the roster no longer holds (those the node's own change named were settled by it already).
   */
  List<Connection> nodeLeft(String roomId, Roster roster) {
    List<Connection> owed = new ArrayList<>();
    Set<String> users = new HashSet<>();
    unsure.entrySet().removeIf(entry -> {
      if (!entry.getKey().roomId().equals(roomId)) {
        return false;
      }
      Connection connection = entry.getValue();
      if (roster.holds(Event.USER_LEFT, connection.userId()) && users.add(connection.userId())) {
        owed.add(connection);
      }
      return true;
    });
    return owed;
  }

  /** The rooms with leaves still unsure. */
  Set<String> unsureRooms() {
    Set<String> rooms = new HashSet<>();
    unsure.keySet().forEach(exit -> rooms.add(exit.roomId()));
    return rooms;
  }

  /** Whether the room has leaves still unsure. */
  boolean unsure(String roomId) {
    return unsure.keySet().stream().anyMatch(exit -> exit.roomId().equals(roomId));
  }
}
