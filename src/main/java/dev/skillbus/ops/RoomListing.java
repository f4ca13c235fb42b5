package dev.skillbus.ops;

import dev.skillbus.auth.RoomAccess;
import dev.skillbus.auth.RoomRules;
import dev.skillbus.protocol.Internal;
import dev.skillbus.protocol.Page;
import dev.skillbus.protocol.Timestamps;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code GET /socket/rooms}: the rooms of the cluster, by id, those with members and those created
 * with {@code POST /socket/rooms}: each with its members and connections, when it was created (or,
 * without a rule, when its longest-present member joined), its history position, and whether it is
 * private. The members come from every node's own record of its connections, as the users of
 * {@link UserDirectory} do, not from the cluster's membership map, whose read waits while a member
 * is stalled: a node that does not answer adds none of its members and is named in {@code missing}.
 */
final class RoomListing {

  private final NodeCalls calls;
  private final EventBus eventBus;
  private final RoomRules rules;
  private final OpsSettings settings;

  RoomListing(NodeCalls calls, EventBus eventBus, RoomRules rules, OpsSettings settings) {
    this.calls = calls;
    this.eventBus = eventBus;
    this.rules = rules;
    this.settings = settings;
  }

  /** {@code {offset?, limit?}}: {@code {items, total, offset, limit, complete, missing}}. */
  Future<JsonObject> list(JsonObject body) {
    Page page = Page.of(body, settings.pageSize(), settings.maxPageSize());
    return calls.ask(LocalNode.ROOMS, new JsonObject()).compose(replies -> {
      Map<String, Members> members = collect(replies);
      TreeSet<String> ids = new TreeSet<>(rules.roomIds());
      ids.addAll(members.keySet());
      List<String> shown = page.of(new ArrayList<>(ids));
      return Internal.roomPositions(eventBus, new JsonArray(new ArrayList<>(shown))).map(positions -> {
        List<JsonObject> items = positions.stream()
          .map(p -> item((JsonObject) p, members.get(((JsonObject) p).getString(Internal.ROOM))))
          .toList();
        return replies.describe(page.reply(items, ids.size()));
      });
    });
  }

  private static Map<String, Members> collect(NodeReplies replies) {
    Map<String, Members> rooms = new TreeMap<>();
    replies.answers().values().forEach(reply -> reply.getJsonObject(Internal.ROOMS).forEach(entry ->
      rooms.computeIfAbsent(entry.getKey(), id -> new Members()).add((JsonObject) entry.getValue())));
    return rooms;
  }

  private JsonObject item(JsonObject position, Members members) {
    String roomId = position.getString(Internal.ROOM);
    RoomAccess rule = rules.get(roomId);
    String since = members == null ? null : Timestamps.iso(members.since);
    JsonObject item = new JsonObject()
      .put("id", roomId)
      .put("members", members == null ? 0 : members.users.size())
      .put("connections", members == null ? 0 : members.connections)
      .put("createdAt", rule == null ? since : Timestamps.iso(rule.createdAt()))
      .put("seq", position.getLong("seq"))
      .put("epoch", position.getString("epoch"))
      .put("private", rule != null && rule.restricted());
    if (rule != null && rule.restricted()) {
      JsonObject shown = rule.toJson();
      item.put("allowedUsers", shown.getJsonArray("allowedUsers")).put("allowedRoles", shown.getJsonArray("allowedRoles"));
    }
    return item;
  }

  /** A room's members across the nodes that answered. */
  private static final class Members {
    final TreeSet<String> users = new TreeSet<>();
    int connections;
    long since = Long.MAX_VALUE;

    void add(JsonObject local) {
      local.getJsonArray("users").forEach(id -> users.add((String) id));
      connections += local.getInteger("connections");
      since = Math.min(since, local.getLong("since"));
    }
  }
}
