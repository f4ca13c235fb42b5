package dev.skillbus.session;

import dev.skillbus.protocol.Fields;
import dev.skillbus.protocol.Internal;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * What the session part does for the other parts of its node ({@link Internal}): durable events
 * in a room on their behalf (a coaching note shown in a session), which get the room's seq and
 * history like any other, and a room's participants. The history and the membership stay this
 * part's own.
 */
final class RoomServices {

  static final int MAX_EVENT_NAME = 64;

  private final RoomRegistry registry;
  private final RoomEvents events;

  RoomServices(RoomRegistry registry, RoomEvents events) {
    this.registry = registry;
    this.events = events;
  }

  /** {@code {room, event, data}}: appended, published, answered with the stored envelope. */
  Future<JsonObject> roomEvent(Message<JsonObject> message) {
    JsonObject body = message.body();
    String roomId = Fields.requiredId(body, Internal.ROOM, Fields.ROOM_ID);
    String event = Fields.requiredString(body, Internal.EVENT, MAX_EVENT_NAME);
    if (!(body.getValue(Internal.DATA) instanceof JsonObject data)) {
      throw Fields.bad("'" + Internal.DATA + "' must be a JSON object");
    }
    return events.durable(roomId, event, data);
  }

  /** {@code {room}}: answered with {@code {room, participants}}, cluster-wide. */
  Future<JsonObject> participants(Message<JsonObject> message) {
    String roomId = Fields.requiredId(message.body(), Internal.ROOM, Fields.ROOM_ID);
    return registry.participants(roomId).map(list -> new JsonObject()
      .put(Internal.ROOM, roomId)
      .put(Internal.PARTICIPANTS, Participant.toJson(list)));
  }
}
