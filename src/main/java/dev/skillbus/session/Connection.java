package dev.skillbus.session;

import static dev.skillbus.session.SessionFields.CONN_ID;
import static dev.skillbus.session.SessionFields.NAME;
import static dev.skillbus.session.SessionFields.ROLE;
import static dev.skillbus.session.SessionFields.USER_ID;

import dev.skillbus.protocol.Fields;
import dev.skillbus.protocol.Role;
import io.vertx.core.json.JsonObject;

/**
 * One bridge connection in one room, as held in the cluster-wide room state: who it is, the name
 * and role it joined with, the node that holds it and when it joined (epoch millis).
 */
record Connection(String connId, String userId, String name, String role, String nodeId, long joinedAt) {

  private static final String NODE_ID = "nodeId";
  private static final String JOINED_AT = "joinedAt";

  Connection {
    // Read from the wire or the cluster, the role would be a string of its own per connection.
    role = Role.shared(role);
  }

  /** {@code {connId, userId, name, role, nodeId, joinedAt}}, as it crosses the event bus. */
  JsonObject toJson() {
    return new JsonObject().put(CONN_ID, connId).put(USER_ID, userId).put(NAME, name).put(ROLE, role)
      .put(NODE_ID, nodeId).put(JOINED_AT, joinedAt);
  }

  /** The connection {@link #toJson} wrote; a field missing or malformed is refused with 400. */
  static Connection fromJson(JsonObject json) {
    return new Connection(Fields.requiredString(json, CONN_ID, 200), Fields.requiredId(json, USER_ID, Fields.USER_ID),
      Fields.optionalString(json, NAME, 1000), Fields.optionalString(json, ROLE, 100),
      Fields.requiredString(json, NODE_ID, 200), Fields.optionalLong(json, JOINED_AT, 0));
  }
}
