package dev.skillbus.coaching;

import static dev.skillbus.coaching.CoachingFields.SESSION_ID;
import static dev.skillbus.coaching.CoachingFields.UPDATED_AT;
import static dev.skillbus.coaching.CoachingFields.UPDATED_BY;

import dev.skillbus.auth.Identity;
import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.Event;
import dev.skillbus.protocol.Fields;
import dev.skillbus.protocol.Internal;
import dev.skillbus.protocol.ProtocolException;
import dev.skillbus.store.Document;
import dev.skillbus.store.DocumentStore;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A coaching session's live document ({@code session.update}, the Coach App's {@code
 * session:update}): discussion notes, topics covered and an engagement score, merged field by field
 * and versioned. A write with an {@code expectedVersion} that is no longer current is refused with
 * 409, so that two coaches typing at once never overwrite each other unknowingly.
 */
final class SessionDocuments {

  static final String KIND = "session";
  static final String UPDATES = "updates";
  static final String EXPECTED_VERSION = "expectedVersion";
  static final String VERSION = "version";
  static final String DOCUMENT = "document";

  private final DocumentStore documents;
  private final Audiences audiences;
  private final EventBus eventBus;

  SessionDocuments(DocumentStore documents, Audiences audiences, EventBus eventBus) {
    this.documents = documents;
    this.audiences = audiences;
    this.eventBus = eventBus;
  }

  /**
   * Merges the updates, sends {@code session:updated {sessionId, updates, version, updatedBy,
   * document}} to the session's room, answers {@code {sessionId, version}}. The event carries the
   * whole document as this write left it: writes through different nodes may reach the room in
   * another order than their versions, and a client that keeps the newest version whole loses
   * nothing of an older event it then ignores.
   */
  Future<JsonObject> update(Message<JsonObject> message) {
    Identity caller = Identity.fromHeaders(message.headers());
    JsonObject body = message.body();
    String sessionId = Fields.requiredId(body, SESSION_ID, Fields.ROOM_ID);
    JsonObject updates = SessionUpdates.parse(body.getValue(UPDATES), UPDATES);
    Long expected = body.getValue(EXPECTED_VERSION) == null ? null : Fields.optionalLong(body, EXPECTED_VERSION, 0);
    Rules.requireSessionEditor(caller);
    audiences.requireMayReach(caller, sessionId);
    JsonObject by = CoachingFields.person(caller);
    JsonObject fields = updates.copy().put(SESSION_ID, sessionId).put(UPDATED_AT, CoachingFields.now()).put(UPDATED_BY, by);
    return documents.merge(KIND, sessionId, fields, expected)
      .recover(err -> staleWrite(err, sessionId, expected))
      .compose(doc -> audiences.toRoom(sessionId, Event.SESSION_UPDATED, new JsonObject()
          .put(SESSION_ID, sessionId).put(UPDATES, updates).put(VERSION, doc.version()).put(UPDATED_BY, by)
          .put(DOCUMENT, doc.value()))
        .map(new JsonObject().put(SESSION_ID, sessionId).put(VERSION, doc.version())));
  }

  /** A 409 that names the document's current version, so that the writer can reload and retry. */
  private Future<Document> staleWrite(Throwable err, String sessionId, Long expected) {
    if (!(err instanceof ProtocolException pe && pe.code() == ErrorCode.CONFLICT) || expected == null) {
      return Future.failedFuture(err);
    }
    return documents.get(KIND, sessionId).compose(current -> Future.failedFuture(ErrorCode.CONFLICT.exception(
      "'" + EXPECTED_VERSION + "' is " + expected + " but session '" + sessionId + "' is at version "
        + (current == null ? 0 : current.version()) + ": reload it and apply your change again")));
  }

  /**
   * {@code {sessionId}}: {@code {sessionId, version, document, participants}}; the document is null
   * (version 0) while nobody wrote it. 404 when there is neither a document nor anyone in the room.
   */
  Future<JsonObject> get(Message<JsonObject> message) {
    Identity caller = Identity.fromHeaders(message.headers());
    String sessionId = Fields.requiredId(message.body(), SESSION_ID, Fields.ROOM_ID);
    audiences.requireMayReach(caller, sessionId);
    Future<Document> document = documents.get(KIND, sessionId);
    Future<JsonArray> participants = Internal.participants(eventBus, sessionId);
    return Future.all(document, participants).compose(both -> {
      Document doc = document.result();
      if (doc == null && participants.result().isEmpty()) {
        return Future.failedFuture(ErrorCode.NOT_FOUND.exception("no session '" + sessionId + "'"));
      }
      return Future.succeededFuture(new JsonObject()
        .put(SESSION_ID, sessionId)
        .put(VERSION, doc == null ? 0 : doc.version())
        .put(DOCUMENT, doc == null ? null : doc.value())
        .put(Internal.PARTICIPANTS, participants.result()));
    });
  }
}
