package dev.skillbus.session;

import dev.skillbus.protocol.Fields;
import dev.skillbus.protocol.Internal;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * What the session part does for the other parts of its node ({@link Internal}): durable events
 * in a room on their behalf (a coaching note shown in a session), which get the room's seq and
 * history like any other, a room's participants, and the listings of operations. The history and
 * the membership stay this part's own.
 */
final class RoomServices {

  static final int MAX_EVENT_NAME = 64;
  static final int MAX_SUMMARIES = 1000;

  private final RoomRegistry registry;
  private final RoomEvents events;
  private final LocalConnections locals;

  RoomServices(RoomRegistry registry, RoomEvents events, LocalConnections locals) {
    this.registry = registry;
    this.events = events;
    this.locals = locals;
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

  /** {@code {}}: answered with {@code {rooms}}, the rooms of this node's connections (see {@link Internal#localRooms}). */
  Future<JsonObject> localRooms(Message<JsonObject> message) {
    return Future.succeededFuture(new JsonObject().put(Internal.ROOMS, locals.roomsJson()));
  }

  /** {@code {rooms: [roomId]}}: answered with {@code {rooms: [{room, seq, epoch}]}} in the same order. */
  Future<JsonObject> positions(Message<JsonObject> message) {
    List<Future<JsonObject>> positions = new ArrayList<>();
    for (String roomId : roomList(message.body())) {
      positions.add(events.position(roomId).map(position -> new JsonObject()
        .put(Internal.ROOM, roomId)
        .put(SessionFields.SEQ, position.seq())
        .put(SessionFields.EPOCH, position.epoch())));
    }
    return Future.all(positions).map(all -> new JsonObject().put(Internal.ROOMS, new JsonArray(all.list())));
  }

  private static List<String> roomList(JsonObject body) {
    if (!(body.getValue(Internal.ROOMS) instanceof JsonArray rooms) || rooms.size() > MAX_SUMMARIES) {
      throw Fields.bad("'" + Internal.ROOMS + "' must be an array of at most " + MAX_SUMMARIES + " room ids");
    }
    List<String> ids = new ArrayList<>();
    for (Object id : rooms) {
      if (!(id instanceof String s) || !Fields.ROOM_ID.matcher(s).matches()) {
        throw Fields.bad("'" + Internal.ROOMS + "' must hold room ids");
      }
      ids.add(s);
    }
    return ids;
  }

  /** {@code {}}: answered with the rooms each connection of this node joined, {@code {connId: [roomId]}}. */
  Future<JsonObject> memberships(Message<JsonObject> message) {
    return Future.succeededFuture(locals.toJson());
  }
}
