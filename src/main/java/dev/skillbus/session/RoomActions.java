package dev.skillbus.session;

import static dev.skillbus.session.SessionFields.COLUMN;
import static dev.skillbus.session.SessionFields.COMPLETE;
import static dev.skillbus.session.SessionFields.CURSOR;
import static dev.skillbus.session.SessionFields.DATA;
import static dev.skillbus.session.SessionFields.EPOCH;
import static dev.skillbus.session.SessionFields.EVENTS;
import static dev.skillbus.session.SessionFields.IS_ACTIVE;
import static dev.skillbus.session.SessionFields.LIMIT;
import static dev.skillbus.session.SessionFields.LINE;
import static dev.skillbus.session.SessionFields.MORE;
import static dev.skillbus.session.SessionFields.NAME;
import static dev.skillbus.session.SessionFields.SEQ;
import static dev.skillbus.session.SessionFields.SESSION_ID;
import static dev.skillbus.session.SessionFields.SINCE;
import static dev.skillbus.session.SessionFields.TEXT;
import static dev.skillbus.session.SessionFields.USER_ID;

import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.Event;
import dev.skillbus.protocol.Fields;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;

/**
 * What a member does in a room: cursor, activity, messages and reading the history. Each request
 * is validated first (400/413), then the connection must have joined the room (403), its join
 * done when it was on its way.
 */
final class RoomActions {

  static final int MAX_POSITION = 10_000_000;
  static final int MAX_TEXT = 4000;
  static final int MAX_DATA_BYTES = 16 * 1024;
  /** The most events a {@code session.history} may ask for; the server's page may hold fewer. */
  static final int MAX_HISTORY_LIMIT = 1000;

  private final RoomRegistry registry;
  private final RoomEvents events;
  private final LocalConnections locals;
  private final CursorCoalescer cursors;
  private final CursorRecorder recorder;
  /** Each user's activity changes of a room, one after the other. */
  private final InTurn activities = new InTurn();

  RoomActions(Vertx vertx, SessionSettings settings, RoomRegistry registry, RoomEvents events,
              LocalConnections locals) {
    this.registry = registry;
    this.events = events;
    this.locals = locals;
    this.cursors = new CursorCoalescer(vertx, settings.cursorMaxPerSecond(), this::publishCursor);
    this.recorder = new CursorRecorder(vertx, registry, settings.cursorRecordMs());
  }

  /** Cancels the timers of pending cursors and of the recorder. */
  void stop() {
    cursors.cancelAll();
    recorder.stop();
  }

  CursorCoalescer cursors() {
    return cursors;
  }

  Future<Void> cursor(Message<JsonObject> message) {
    Caller caller = Caller.of(message);
    JsonObject body = message.body();
    String roomId = Fields.requiredId(body, SESSION_ID, Fields.ROOM_ID);
    int line = Fields.requiredInt(body, LINE, 0, MAX_POSITION);
    int column = Fields.requiredInt(body, COLUMN, 0, MAX_POSITION);
    return member(caller, roomId).onSuccess(v -> cursors.submit(roomId, caller.userId(), caller.connId(), line, column));
  }

  private void publishCursor(String roomId, String userId, String originConn, int line, int column) {
    JsonObject cursor = new JsonObject().put(LINE, line).put(COLUMN, column);
    events.volatileEvent(roomId, Event.CURSOR_MOVED, new JsonObject().put(USER_ID, userId).put(CURSOR, cursor),
      originConn);
    recorder.record(roomId, userId, line, column);
  }

  Future<Void> activity(Message<JsonObject> message) {
    Caller caller = Caller.of(message);
    String roomId = Fields.requiredId(message.body(), SESSION_ID, Fields.ROOM_ID);
    boolean active = Fields.requiredBoolean(message.body(), IS_ACTIVE);
    // The room's state first, its event after: a join answered meanwhile lists the user as the event
    // says, or its client (registered on the room before it joins) gets the event. A user's changes
    // of a room go one after the other, so that their events go out in the order asked for (the
    // updates' replies may come back in another). A room whose state no longer holds the user (lost
    // with a node, until the node's check writes the connection back) still hears of the change.
    return activities.run(roomId + '\n' + caller.userId(), () -> member(caller, roomId)
      .compose(v -> {
        locals.activity(roomId, caller.userId(), active);
        return registry.update(roomId, caller.userId(), active, null, null);
      })
      .map(updated -> {
        events.volatileEvent(roomId, Event.USER_ACTIVITY_CHANGED,
          new JsonObject().put(USER_ID, caller.userId()).put(IS_ACTIVE, active), caller.connId());
        return null;
      }));
  }

  /** Replies only once the message is stored, with its seq. */
  Future<JsonObject> message(Message<JsonObject> message) {
    Caller caller = Caller.of(message);
    JsonObject body = message.body();
    String roomId = Fields.requiredId(body, SESSION_ID, Fields.ROOM_ID);
    String text = Fields.requiredString(body, TEXT, MAX_TEXT);
    Object data = Fields.json(body.getValue(DATA), DATA, MAX_DATA_BYTES);
    return member(caller, roomId).compose(v -> {
      JsonObject event = new JsonObject().put(USER_ID, caller.userId())
        .put(NAME, locals.nameIn(caller.connId(), roomId)).put(TEXT, text).put(DATA, data);
      return events.durable(roomId, Event.MESSAGE, event);
    }).map(stored -> new JsonObject().put(SESSION_ID, roomId).put(SEQ, stored.getLong(SEQ)));
  }

  /**
   * {@code {events, seq, epoch, complete, more}}: a page of the events after {@code since}, at most
   * {@code limit} of them; {@code more} when the rest must be read from the page's last seq.
   */
  Future<JsonObject> history(Message<JsonObject> message) {
    Caller caller = Caller.of(message);
    JsonObject body = message.body();
    String roomId = Fields.requiredId(body, SESSION_ID, Fields.ROOM_ID);
    if (body.getValue(SINCE) == null) {
      throw Fields.bad("'" + SINCE + "' is required");
    }
    long since = Fields.optionalLong(body, SINCE, 0);
    String epoch = JoinRequest.epoch(body);
    int limit = body.getValue(LIMIT) == null ? MAX_HISTORY_LIMIT : Fields.requiredInt(body, LIMIT, 1, MAX_HISTORY_LIMIT);
    return member(caller, roomId).compose(v -> events.since(roomId, since, epoch, limit)).map(slice -> new JsonObject()
      .put(EVENTS, new JsonArray(new ArrayList<>(slice.events())))
      .put(SEQ, slice.seq())
      .put(EPOCH, slice.epoch())
      .put(COMPLETE, slice.complete())
      .put(MORE, slice.more()));
  }

  /**
   * Succeeds once the connection is a member of the room, after its join on the way, if any (see
   * {@link LocalConnections#joinDone}); a 403 when it is not.
   */
  private Future<Void> member(Caller caller, String roomId) {
    Future<Void> joinDone = locals.joinDone(caller.connId(), roomId);
    return joinDone.isComplete() ? memberNow(caller, roomId) : joinDone.compose(v -> memberNow(caller, roomId));
  }

  private Future<Void> memberNow(Caller caller, String roomId) {
    return locals.isIn(caller.connId(), roomId)
      ? Future.succeededFuture()
      : Future.failedFuture(ErrorCode.FORBIDDEN.exception("join room '" + roomId + "' first"));
  }
}
