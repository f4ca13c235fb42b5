package dev.skillbus.coaching;

import static dev.skillbus.coaching.CoachingFields.AGENT_ID;
import static dev.skillbus.coaching.CoachingFields.CATEGORY;
import static dev.skillbus.coaching.CoachingFields.DESCRIPTION;
import static dev.skillbus.coaching.CoachingFields.DUE_DATE;
import static dev.skillbus.coaching.CoachingFields.ID;
import static dev.skillbus.coaching.CoachingFields.MAX_CATEGORY;
import static dev.skillbus.coaching.CoachingFields.MAX_DESCRIPTION;
import static dev.skillbus.coaching.CoachingFields.MAX_TITLE;
import static dev.skillbus.coaching.CoachingFields.PRIORITIES;
import static dev.skillbus.coaching.CoachingFields.PRIORITY;
import static dev.skillbus.coaching.CoachingFields.SESSION_ID;
import static dev.skillbus.coaching.CoachingFields.STATUS;
import static dev.skillbus.coaching.CoachingFields.TITLE;
import static dev.skillbus.coaching.CoachingFields.UPDATED_AT;
import static dev.skillbus.coaching.CoachingFields.UPDATED_BY;

import dev.skillbus.auth.Identity;
import dev.skillbus.protocol.Event;
import dev.skillbus.protocol.Fields;
import dev.skillbus.store.Document;
import dev.skillbus.store.ListStore;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Action items ({@code actions.create}, the Coach App's {@code actionItem:create}; {@code
 * actions.update}, {@code actions.delete}), kept in a list per agent. A new item is {@code open};
 * updates move its status along {@link ActionStatus}. The author comes from the caller's verified
 * identity.
 */
final class ActionItems {

  static final String KIND = "action";

  private final ListStore lists;
  private final AgentItems items;

  ActionItems(ListStore lists, Audiences audiences, CoachingSettings settings) {
    this.lists = lists;
    this.items = new AgentItems(KIND, "action item", lists, audiences, settings);
  }

  /** Stores the item as {@code open}, sends {@code actionItem:created}, answers with the stored item. */
  Future<JsonObject> create(Message<JsonObject> message) {
    return items.create(message, ActionItems::parse, Event.ACTION_ITEM_CREATED);
  }

  private static JsonObject parse(JsonObject body) {
    return new JsonObject()
      .put(AGENT_ID, Fields.requiredId(body, AGENT_ID, Fields.USER_ID))
      .put(TITLE, Fields.requiredString(body, TITLE, MAX_TITLE))
      .put(DESCRIPTION, Fields.optionalString(body, DESCRIPTION, MAX_DESCRIPTION))
      .put(DUE_DATE, CoachingFields.isoDate(body, DUE_DATE))
      .put(PRIORITY, CoachingFields.oneOf(body, PRIORITY, PRIORITIES))
      .put(CATEGORY, Fields.requiredString(body, CATEGORY, MAX_CATEGORY))
      .put(SESSION_ID, CoachingFields.optionalId(body, SESSION_ID, Fields.ROOM_ID))
      .put(STATUS, ActionStatus.OPEN.wire());
  }

  /**
   * {@code {id, status}}: moves the item to the status (404 when there is none, 403 when it is not
   * the caller's to change, 409 when the move is not allowed), sends {@code actionItem:updated},
   * answers with the item. Asking for the status it has already changes nothing and sends nothing.
   */
  Future<JsonObject> update(Message<JsonObject> message) {
    Identity caller = Identity.fromHeaders(message.headers());
    String id = Fields.requiredId(message.body(), ID, Fields.USER_ID);
    ActionStatus to = ActionStatus.of(message.body(), STATUS);
    return items.change(caller, id, current -> {
      ActionStatus from = ActionStatus.stored(current.value().getString(STATUS));
      from.requireMoveTo(to);
      return from == to ? Future.succeededFuture(current.value()) : write(caller, current, to);
    });
  }

  private Future<JsonObject> write(Identity caller, Document current, ActionStatus to) {
    JsonObject item = current.value().copy()
      .put(STATUS, to.wire())
      .put(UPDATED_AT, CoachingFields.now())
      .put(UPDATED_BY, CoachingFields.person(caller));
    return lists.replace(KIND, current.id(), item, current.version())
      .compose(stored -> items.announce(Event.ACTION_ITEM_UPDATED, stored.value()));
  }

  /**
   * {@code {id}}: deletes the item (404 when there is none, 403 when it is not the caller's to
   * change), sends {@code actionItem:deleted}, answers with the deleted item.
   */
  Future<JsonObject> delete(Message<JsonObject> message) {
    return items.delete(message, Event.ACTION_ITEM_DELETED);
  }

  /** {@code {agentId, status?, offset?, limit?}}: a page of the agent's items, newest first. */
  Future<JsonObject> list(Message<JsonObject> message) {
    JsonObject body = message.body();
    String status = body.getValue(STATUS) == null ? null : ActionStatus.of(body, STATUS).wire();
    return items.list(message, status == null ? Map.of() : Map.of(STATUS, status));
  }
}
