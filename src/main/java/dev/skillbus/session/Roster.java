package dev.skillbus.session;

import dev.skillbus.protocol.Event;
import io.vertx.core.json.JsonArray;
import java.util.List;

/**
 * A room's participants at one membership version (see {@link RoomState}): a presence event carries
 * the list, and the room's history stores it only if no event of a higher version is stored.
 */
record Roster(List<Participant> participants, long version) {

  /** A room without connections, read where it has no state. */
  static final Roster EMPTY = new Roster(List.of(), 0);

  /** Whether {@code event} (user-joined or user-left) of the user is true of this list. */
  boolean holds(String event, String userId) {
    boolean present = participants.stream().anyMatch(p -> p.userId().equals(userId));
    return present == Event.USER_JOINED.equals(event);
  }

  JsonArray participantsJson() {
    return Participant.toJson(participants);
  }
}
