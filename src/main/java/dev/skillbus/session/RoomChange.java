package dev.skillbus.session;

import java.util.List;

/**
 * What a membership change did to a room, computed atomically where the room is stored:
 * {@code users} holds one connection for each user who appeared (on a join: their first connection)
 * or disappeared (on a leave: their last one), and {@code roster} is the room afterwards.
 */
record RoomChange(List<Connection> users, Roster roster) {

  static final RoomChange NONE = new RoomChange(List.of(), Roster.EMPTY);
}
