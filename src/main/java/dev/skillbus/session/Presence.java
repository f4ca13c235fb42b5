package dev.skillbus.session;

import dev.skillbus.protocol.Event;
import dev.skillbus.protocol.Fields;
import io.vertx.core.json.JsonObject;

/**
 * One presence event to store: {@code user-joined} or {@code user-left} of a user, and the
 * membership version of the change it announces. That version, the event and the user name it
 * ({@link #id()}), whatever list it is finally stored with: sent again after a store write whose
 * answer was lost, it is recognized as stored (see {@link dev.skillbus.store.RoomHistory#appendPresence}).
 */
record Presence(String event, Connection user, long change) {

  private static final String EVENT = "event";
  private static final String CONNECTION = "connection";
  private static final String CHANGE = "change";

  /** The event's id in the room's history. */
  String id() {
    return change + " " + event + " " + user.userId();
  }

  /** {@code {event, connection, change}}, as it crosses the event bus. */
  JsonObject toJson() {
    return new JsonObject().put(EVENT, event).put(CONNECTION, user.toJson()).put(CHANGE, change);
  }

  /** The event {@link #toJson} wrote, in {@code body}; anything missing or malformed is refused with 400. */
  static Presence fromJson(JsonObject body) {
    String event = Fields.requiredString(body, EVENT, 32);
    if (!Event.USER_JOINED.equals(event) && !Event.USER_LEFT.equals(event)) {
      throw Fields.bad("'event' must be " + Event.USER_JOINED + " or " + Event.USER_LEFT);
    }
    if (!(body.getValue(CONNECTION) instanceof JsonObject connection)) {
      throw Fields.bad("'connection' must be an object");
    }
    // A node of an earlier release hands over events without their change: version 0, the oldest.
    return new Presence(event, Connection.fromJson(connection), Fields.optionalLong(body, CHANGE, 0));
  }
}
