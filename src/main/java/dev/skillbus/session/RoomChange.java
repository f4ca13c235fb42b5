package dev.skillbus.session;

import io.vertx.core.json.JsonArray;
import java.util.List;

/**
 * What a membership change did to a room, computed atomically where the room is stored:
 * {@code users} holds one connection for each user who appeared (on a join: their first connection)
 * or disappeared (on a leave: their last one), and {@code participants} is the room afterwards.
 */
record RoomChange(List<Connection> users, List<Participant> participants) {

  static final RoomChange NONE = new RoomChange(List.of(), List.of());

  JsonArray participantsJson() {
    return Participant.toJson(participants);
  }
}
