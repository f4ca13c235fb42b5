package dev.skillbus.coaching;

import static dev.skillbus.coaching.CoachingFields.AGENT_ID;
import static dev.skillbus.coaching.CoachingFields.CREATED_AT;
import static dev.skillbus.coaching.CoachingFields.CREATED_BY;
import static dev.skillbus.coaching.CoachingFields.ID;
import static dev.skillbus.coaching.CoachingFields.SESSION_ID;
import static dev.skillbus.coaching.CoachingFields.TEAM_LEADER_ID;

import dev.skillbus.auth.Identity;
import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.Fields;
import dev.skillbus.protocol.Page;
import dev.skillbus.protocol.ProtocolException;
import dev.skillbus.store.Document;
import dev.skillbus.store.ListQuery;
import dev.skillbus.store.ListStore;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What quick notes and action items have in common: items of one kind kept in a list per agent,
 * created, changed and deleted by the agent or for them ({@link Rules#requireItemsOf}), authored by
 * the caller's verified identity (never by the body), announced to the agent and to the item's
 * session, listed newest first a page at a time.
 */
final class AgentItems {

  /** Changes that lost a race with another are tried again on the newer item this often. */
  static final int CHANGE_ATTEMPTS = 5;

  private final String kind;
  private final String noun;
  private final ListStore lists;
  private final Audiences audiences;
  private final CoachingSettings settings;

  /** Items of {@code kind}, called {@code noun} in messages ("quick note"). */
  AgentItems(String kind, String noun, ListStore lists, Audiences audiences, CoachingSettings settings) {
    this.kind = kind;
    this.noun = noun;
    this.lists = lists;
    this.audiences = audiences;
    this.settings = settings;
  }

  /**
   * Stores the item that {@code parse} validates out of the request body (with its {@code
   * agentId}), stamped with its author and time; sends {@code event}; answers with the stored item.
   */
  Future<JsonObject> create(Message<JsonObject> message, Function<JsonObject, JsonObject> parse, String event) {
    Identity caller = Identity.fromHeaders(message.headers());
    JsonObject item = parse.apply(message.body());
    String agentId = item.getString(AGENT_ID);
    Rules.requireItemsOf(caller, agentId);
    requireMayReach(caller, item);
    item.put(TEAM_LEADER_ID, caller.userId())
      .put(CREATED_AT, CoachingFields.now())
      .put(CREATED_BY, CoachingFields.person(caller));
    return lists.add(kind, agentId, item).compose(stored -> announce(event, stored.value()));
  }

  /**
   * {@code {id}}: removes the item and its place in the agent's list (404 when there is none, 403
   * when it is not the caller's to change), sends {@code event} with it to whom its creation went,
   * answers with it.
   */
  Future<JsonObject> delete(Message<JsonObject> message, String event) {
    Identity caller = Identity.fromHeaders(message.headers());
    String id = Fields.requiredId(message.body(), ID, Fields.USER_ID);
    return change(caller, id, current -> lists.remove(kind, id, current.version())
      .compose(removed -> removed == null ? notFound(id) : announce(event, removed.value())));
  }

  /**
   * Applies {@code write} to the stored item once the caller may change it: as they may create it
   * for its agent, and reach its session room. 404 when there is none; a write that lost a race with
   * another (409) is tried again on the newer item.
   */
  Future<JsonObject> change(Identity caller, String id, Function<Document, Future<JsonObject>> write) {
    return attemptChange(caller, id, write, 1);
  }

  private Future<JsonObject> attemptChange(Identity caller, String id, Function<Document, Future<JsonObject>> write,
                                           int attempt) {
    return lists.get(kind, id).compose(current -> {
      if (current == null) {
        return notFound(id);
      }
      Rules.requireItemsOf(caller, current.value().getString(AGENT_ID));
      requireMayReach(caller, current.value());
      return write.apply(current).recover(err -> isConflict(err) && attempt < CHANGE_ATTEMPTS
        ? attemptChange(caller, id, write, attempt + 1)
        : Future.failedFuture(err));
    });
  }

  private Future<JsonObject> notFound(String id) {
    return Future.failedFuture(ErrorCode.NOT_FOUND.exception("no " + noun + " '" + id + "'"));
  }

  private static boolean isConflict(Throwable err) {
    return err instanceof ProtocolException pe && pe.code() == ErrorCode.CONFLICT;
  }

  /** Nothing when the caller may join the item's session room, if it has one; else a 403. */
  private void requireMayReach(Identity caller, JsonObject item) {
    audiences.requireMayReach(caller, item.getString(SESSION_ID));
  }

  /** Sends {@code event} with the item to its agent and its session, if it has one; then the item. */
  Future<JsonObject> announce(String event, JsonObject item) {
    return audiences.toUserAndSession(item.getString(AGENT_ID), item.getString(SESSION_ID), event, item).map(item);
  }

  /**
   * {@code {agentId, offset?, limit?}}: a page of the agent's items whose fields have the values in
   * {@code only}, newest first. An item of a private session room is listed only to those the room
   * admits, and to its agent, who got it when it was created; the total counts what is listed. The
   * store picks the page, so a listing never reads the agent's whole list.
   */
  Future<JsonObject> list(Message<JsonObject> message, Map<String, String> only) {
    Identity caller = Identity.fromHeaders(message.headers());
    String agentId = Fields.requiredId(message.body(), AGENT_ID, Fields.USER_ID);
    Page page = Page.of(message.body(), settings.pageSize(), settings.maxPageSize());
    Rules.requireItemsOf(caller, agentId);
    Set<String> hidden = caller.userId().equals(agentId) ? Set.of() : audiences.hiddenFrom(caller);
    ListQuery query = new ListQuery(page.offset(), page.limit(), only, Map.of(SESSION_ID, hidden));
    return lists.list(kind, agentId, query).map(listed ->
      page.reply(listed.items().stream().map(Document::value).toList(), listed.total()).put(AGENT_ID, agentId));
  }
}
