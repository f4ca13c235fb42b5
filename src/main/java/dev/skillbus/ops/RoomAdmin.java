package dev.skillbus.ops;

import dev.skillbus.auth.Identity;
import dev.skillbus.auth.RoomAccess;
import dev.skillbus.auth.RoomRules;
import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.Event;
import dev.skillbus.protocol.Fields;
import dev.skillbus.protocol.Internal;
import dev.skillbus.protocol.Role;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * An admin's room requests: {@code POST /socket/rooms} (a room with an access rule, which every
 * node holds before the creator is answered), {@code /socket/rooms/join} and {@code /leave} (every
 * connection of a user, on any node, in or out, as if each had asked), {@code /socket/rooms/message}
 * (a durable event in the room, with its seq and history like any other).
 */
final class RoomAdmin {

  static final String ROOM_ID = "roomId";
  static final String USER_ID = "userId";
  static final int MAX_LISTED = 1000;
  static final int MAX_TEXT = 4000;
  static final int MAX_DATA_BYTES = 16 * 1024;
  /**
   * Event names an admin may send: not those that report what the server holds, which clients take
   * as its word (membership and presence, a course job's status, updates and its one completion, the
   * coaching records, notifications), nor skillbus.js's own events, which its listeners share with
   * the server's; sorted for the refusal's text.
   */
  static final Pattern EVENT_NAME = Pattern.compile("[A-Za-z0-9_:.-]{1,64}");
  static final Set<String> RESERVED = new TreeSet<>(List.of(Event.SESSION_JOINED, Event.SESSION_LEFT, Event.USER_JOINED,
    Event.USER_LEFT, Event.CURSOR_MOVED, Event.USER_ACTIVITY_CHANGED, Event.SESSION_STATUS, Event.COURSE_GENERATION_UPDATE,
    Event.COURSE_GENERATION_COMPLETE, Event.QUICK_NOTE_CREATED, Event.QUICK_NOTE_DELETED, Event.ACTION_ITEM_CREATED,
    Event.ACTION_ITEM_UPDATED, Event.ACTION_ITEM_DELETED, Event.SESSION_UPDATED, Event.NOTIFICATION,
    "state", "connecting", "connected", "reconnecting", "disconnected", "failed", "idle", "error", "reset"));

  /** The least a move waits for each node: what the node waits for its bridge, and a second for its answer. */
  static final long MOVE_WAIT_MS = LocalNode.MOVE_WAIT_MS + 1000;

  private final EventBus eventBus;
  private final NodeCalls calls;
  private final RoomRules rules;

  RoomAdmin(EventBus eventBus, NodeCalls calls, RoomRules rules) {
    this.eventBus = eventBus;
    this.calls = calls;
    this.rules = rules;
  }

  /**
   * {@code {roomId, private?, allowedUsers?, allowedRoles?}}: the rule, 409 when the room has
   * another. The same rule asked for again by the same caller answers as the first time (with the
   * first time's {@code createdAt}), so that a create answered 503 (the cluster was stalled; the
   * rule may have been stored) can be sent again.
   */
  Future<JsonObject> create(Identity caller, JsonObject body) {
    RoomAccess access = accessOf(caller, body);
    return rules.create(access).compose(existing -> {
      if (existing != null && !existing.sameAs(access)) {
        return Future.failedFuture(ErrorCode.CONFLICT.exception("room '" + access.roomId() + "' exists already"));
      }
      RoomAccess rule = existing == null ? access : existing;
      return calls.ask(LocalNode.RULE, new JsonObject().put(Internal.ROOM, rule.roomId()))
        .map(replies -> replies.describe(rule.toJson()));
    });
  }

  private static RoomAccess accessOf(Identity caller, JsonObject body) {
    String roomId = Fields.requiredId(body, ROOM_ID, Fields.ROOM_ID);
    Boolean isPrivate = body.getValue("private") == null ? null : Fields.requiredBoolean(body, "private");
    Set<String> users = new HashSet<>();
    for (Object user : list(body, "allowedUsers")) {
      users.add(Fields.requiredId(new JsonObject().put("allowedUsers", user), "allowedUsers", Fields.USER_ID));
    }
    Set<Role> roles = new HashSet<>();
    for (Object role : list(body, "allowedRoles")) {
      if (!(role instanceof String wire) || Role.of(wire) == null) {
        throw Fields.bad("'allowedRoles' must hold roles: learner, instructor, team_leader, agent, admin");
      }
      roles.add(Role.of(wire));
    }
    boolean named = !users.isEmpty() || !roles.isEmpty();
    if (Boolean.FALSE.equals(isPrivate) && named) {
      throw Fields.bad("'allowedUsers' and 'allowedRoles' apply to private rooms: set 'private' to true or leave them out");
    }
    // A list given, even empty (admins only), makes the room private unless said otherwise: an empty
    // list of a script that meant "nobody yet" must not make an open room, which cannot be undone.
    boolean listed = body.getValue("allowedUsers") != null || body.getValue("allowedRoles") != null;
    return new RoomAccess(roomId, isPrivate == null ? listed : isPrivate, users, roles, System.currentTimeMillis(),
      caller.userId());
  }

  private static JsonArray list(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return new JsonArray();
    }
    if (!(value instanceof JsonArray array) || array.size() > MAX_LISTED) {
      throw Fields.bad("'" + field + "' must be an array of at most " + MAX_LISTED + " entries");
    }
    return array;
  }

  /**
   * {@code {roomId, userId}}: every connection of the user joins. Each connection moves on its own:
   * the answer counts those that moved and lists why the others did not; when none moved, it is the
   * first refusal (nothing changed), 404 when the user has no connection, or 503 when a node did not
   * answer.
   */
  Future<JsonObject> join(JsonObject body) {
    return move(LocalNode.JOIN, body);
  }

  /** {@code {roomId, userId}}: every connection of the user leaves; answered as {@link #join}. */
  Future<JsonObject> leave(JsonObject body) {
    return move(LocalNode.LEAVE, body);
  }

  private Future<JsonObject> move(String operation, JsonObject body) {
    String roomId = Fields.requiredId(body, ROOM_ID, Fields.ROOM_ID);
    String userId = Fields.requiredId(body, USER_ID, Fields.USER_ID);
    JsonObject request = new JsonObject().put(Internal.USER_ID, userId).put(Internal.ROOM, roomId);
    long waitMs = Math.max(calls.timeoutMs(), MOVE_WAIT_MS);
    return calls.ask(operation, request, waitMs).compose(NodeReplies::unlessRefused).compose(replies -> {
      int moved = 0;
      JsonArray failed = new JsonArray();
      for (JsonObject answer : replies.answers().values()) {
        moved += answer.getInteger(Internal.CONNECTIONS);
        failed.addAll(answer.getJsonArray(Internal.FAILED, new JsonArray()));
      }
      if (moved == 0) {
        return Future.failedFuture(noneMoved(userId, failed, replies.complete()));
      }
      return Future.succeededFuture(replies.describe(new JsonObject()
        .put(ROOM_ID, roomId).put(USER_ID, userId).put("connections", moved).put("failed", failed)));
    });
  }

  /**
   * The first connection's refusal; 404 when the user has no connection; 503 when a node did not
   * answer in time, as its connections of the user may be on their way (and may still move).
   */
  private static Throwable noneMoved(String userId, JsonArray failed, boolean complete) {
    if (!failed.isEmpty()) {
      JsonObject first = failed.getJsonObject(0);
      return ErrorCode.of(first.getInteger(Internal.CODE)).exception(first.getString(Internal.MESSAGE));
    }
    if (!complete) {
      return ErrorCode.UNAVAILABLE.exception("no connection of user '" + userId + "' moved on the nodes that answered,"
        + " and a node did not answer in time: a move there may still happen; ask again");
    }
    return ErrorCode.NOT_FOUND.exception("user '" + userId + "' has no connection");
  }

  /** {@code {roomId, event?, text?, data}}: a durable event; 404 for a room with no members and no rule. */
  Future<JsonObject> message(Identity caller, JsonObject body) {
    String roomId = Fields.requiredId(body, ROOM_ID, Fields.ROOM_ID);
    String event = eventOf(body);
    JsonObject data = dataOf(caller, body, event);
    return exists(roomId).compose(exists -> exists
      ? Internal.roomEvent(eventBus, roomId, event, data)
      : Future.failedFuture(ErrorCode.NOT_FOUND.exception("no room '" + roomId + "'")))
      .map(stored -> new JsonObject().put(ROOM_ID, roomId).put("event", event).put("seq", stored.getLong("seq")));
  }

  private static String eventOf(JsonObject body) {
    String event = Fields.optionalString(body, "event", 64);
    if (event == null) {
      return Event.MESSAGE;
    }
    if (!EVENT_NAME.matcher(event).matches() || RESERVED.contains(event)) {
      throw Fields.bad("'event' must match " + EVENT_NAME.pattern() + " and not be one of " + RESERVED);
    }
    return event;
  }

  /**
   * A {@code message} is {@code {userId, name, text, data}} like a member's, its text held to the same
   * rule (1–4,000 characters, not blank); other events carry {@code data}.
   */
  private static JsonObject dataOf(Identity caller, JsonObject body, String event) {
    Object data = Fields.json(body.getValue("data"), "data", MAX_DATA_BYTES);
    if (data == null) {
      throw Fields.bad("'data' is required");
    }
    if (Event.MESSAGE.equals(event)) {
      return new JsonObject().put("userId", caller.userId()).put("name", caller.name())
        .put("text", Fields.requiredString(body, "text", MAX_TEXT)).put("data", data);
    }
    if (!(data instanceof JsonObject object)) {
      throw Fields.bad("'data' must be a JSON object for event '" + event + "'");
    }
    return object;
  }

  /**
   * Whether the room has a rule or members. Its members are read within the time a node has to
   * answer: with a node stalled that read waits on it, and a message stored once it came back would
   * come after its caller was told 503 (nothing was done). Then it fails, 503, and nothing is sent.
   */
  private Future<Boolean> exists(String roomId) {
    if (rules.get(roomId) != null) {
      return Future.succeededFuture(true);
    }
    return Internal.participants(eventBus, roomId, calls.timeoutMs()).map(participants -> !participants.isEmpty())
      .recover(err -> Future.failedFuture(ErrorCode.of(err) == ErrorCode.UNAVAILABLE
        ? ErrorCode.UNAVAILABLE.exception("the members of room '" + roomId + "' could not be read in time (a node did not"
          + " answer): nothing was sent; send it again")
        : err));
  }
}
