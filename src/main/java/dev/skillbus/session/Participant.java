package dev.skillbus.session;

import dev.skillbus.protocol.Timestamps;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One user in a room, however many connections (tabs) they have there: the name, role and join time
 * of their first connection, and their presence state. {@code line}/{@code column} are null until
 * the user sends a cursor.
 */
record Participant(String userId, String name, String role, boolean active, Integer line, Integer column,
                   long joinedAt) {

  JsonObject toJson() {
    JsonObject cursor = line == null ? null : new JsonObject().put("line", line).put("column", column);
    return new JsonObject()
      .put("userId", userId)
      .put("name", name)
      .put("role", role)
      .put("isActive", active)
      .put("cursor", cursor)
      .put("joinedAt", Timestamps.iso(joinedAt));
  }

  static JsonArray toJson(List<Participant> participants) {
    JsonArray array = new JsonArray();
    participants.forEach(p -> array.add(p.toJson()));
    return array;
  }
}
