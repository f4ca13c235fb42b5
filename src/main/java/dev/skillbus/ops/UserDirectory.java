package dev.skillbus.ops;

import dev.skillbus.protocol.Fields;
import dev.skillbus.protocol.Internal;
import dev.skillbus.protocol.Page;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code GET /socket/users} and {@code GET /socket/users/{userId}/connected}: the connected users
 * of the whole cluster, from every node's connections. A user with tabs on several nodes is one
 * entry: their connections counted, the nodes and rooms listed, the earliest connection's time.
 */
final class UserDirectory {

  private final NodeCalls calls;
  private final OpsSettings settings;

  UserDirectory(NodeCalls calls, OpsSettings settings) {
    this.calls = calls;
    this.settings = settings;
  }

  /** {@code {offset?, limit?}}: a page of users by id, {@code {items, total, offset, limit, complete, missing}}. */
  Future<JsonObject> list(JsonObject body) {
    Page page = Page.of(body, settings.pageSize(), settings.maxPageSize());
    return calls.ask(LocalNode.USERS, new JsonObject()).map(replies -> {
      List<JsonObject> users = collect(replies).values().stream().map(User::toJson).toList();
      return replies.describe(page.reply(page.of(users), users.size()));
    });
  }

  /** {@code {userId}}: {@code {userId, connected, connections, nodes, complete, missing}}. */
  Future<JsonObject> connected(JsonObject body) {
    String userId = Fields.requiredId(body, Internal.USER_ID, Fields.USER_ID);
    return calls.ask(LocalNode.USERS, new JsonObject().put(Internal.USER_ID, userId)).map(replies -> {
      User user = collect(replies).get(userId);
      return replies.describe(new JsonObject()
        .put("userId", userId)
        .put("connected", user != null)
        .put("connections", user == null ? 0 : user.connections)
        .put("nodes", new JsonArray(user == null ? List.of() : List.copyOf(user.nodes))));
    });
  }

  private static Map<String, User> collect(NodeReplies replies) {
    Map<String, User> users = new TreeMap<>();
    replies.answers().forEach((node, reply) -> reply.getJsonArray(Internal.CONNECTIONS).forEach(c -> {
      JsonObject connection = (JsonObject) c;
      users.computeIfAbsent(connection.getString(Internal.USER_ID), id -> new User(id, connection))
        .add(node, connection);
    }));
    return users;
  }

  /** One user as seen across nodes; name and role as their first connection seen says. */
  private static final class User {
    final String id;
    final String name;
    final String role;
    final TreeSet<String> nodes = new TreeSet<>();
    final TreeSet<String> rooms = new TreeSet<>();
    int connections;
    Instant connectedAt;

    User(String id, JsonObject first) {
      this.id = id;
      this.name = first.getString("name");
      this.role = first.getString("role");
    }

    void add(String node, JsonObject connection) {
      connections++;
      nodes.add(node);
      connection.getJsonArray(Internal.ROOMS).forEach(room -> rooms.add((String) room));
      Instant at = Instant.parse(connection.getString("connectedAt"));
      connectedAt = connectedAt == null || at.isBefore(connectedAt) ? at : connectedAt;
    }

    JsonObject toJson() {
      return new JsonObject()
        .put("id", id)
        .put("name", name)
        .put("role", role)
        .put("connections", connections)
        .put("nodes", new JsonArray(List.copyOf(nodes)))
        .put("rooms", new JsonArray(List.copyOf(rooms)))
        .put("connectedAt", connectedAt.toString());
    }
  }
}
