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
import java.util.TreeSet;

/**
 * {@code GET /socket/rooms}: the rooms of the cluster, by id, those with members (the membership
 * is cluster-wide, in Hazelcast) and those created with {@code POST /socket/rooms}: each with its
 * members and connections, when it was created (or, without a rule, when its longest-present member
 * joined), its history position, and whether it is private.
 */
final class RoomListing {

  private final EventBus eventBus;
  private final RoomRules rules;
  private final OpsSettings settings;

  RoomListing(EventBus eventBus, RoomRules rules, OpsSettings settings) {
    this.eventBus = eventBus;
    this.rules = rules;
    this.settings = settings;
  }

  /** {@code {offset?, limit?}}: {@code {items, total, offset, limit}}. */
  Future<JsonObject> list(JsonObject body) {
    Page page = Page.of(body, settings.pageSize(), settings.maxPageSize());
    return Internal.roomIds(eventBus).compose(withMembers -> {
      TreeSet<String> ids = new TreeSet<>(rules.roomIds());
      withMembers.forEach(id -> ids.add((String) id));
      List<String> shown = page.of(new ArrayList<>(ids));
      return Internal.roomSummaries(eventBus, new JsonArray(new ArrayList<>(shown)))
        .map(summaries -> page.reply(summaries.stream().map(s -> item((JsonObject) s)).toList(), ids.size()));
    });
  }

  private JsonObject item(JsonObject summary) {
    String roomId = summary.getString(Internal.ROOM);
    RoomAccess rule = rules.get(roomId);
    JsonObject item = new JsonObject()
      .put("id", roomId)
      .put("members", summary.getInteger("members"))
      .put("connections", summary.getInteger(Internal.CONNECTIONS))
      .put("createdAt", rule == null ? summary.getString("since") : Timestamps.iso(rule.createdAt()))
      .put("seq", summary.getLong("seq"))
      .put("epoch", summary.getString("epoch"))
      .put("private", rule != null && rule.restricted());
    if (rule != null && rule.restricted()) {
      JsonObject shown = rule.toJson();
      item.put("allowedUsers", shown.getJsonArray("allowedUsers")).put("allowedRoles", shown.getJsonArray("allowedRoles"));
    }
    return item;
  }
}
