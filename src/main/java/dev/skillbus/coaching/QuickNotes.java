package dev.skillbus.coaching;

import static dev.skillbus.coaching.CoachingFields.AGENT_ID;
import static dev.skillbus.coaching.CoachingFields.CATEGORY;
import static dev.skillbus.coaching.CoachingFields.CONTENT;
import static dev.skillbus.coaching.CoachingFields.MAX_CATEGORY;
import static dev.skillbus.coaching.CoachingFields.MAX_CONTENT;
import static dev.skillbus.coaching.CoachingFields.NOTE_TYPE;
import static dev.skillbus.coaching.CoachingFields.NOTE_TYPES;
import static dev.skillbus.coaching.CoachingFields.PRIORITIES;
import static dev.skillbus.coaching.CoachingFields.PRIORITY;
import static dev.skillbus.coaching.CoachingFields.SESSION_ID;

import dev.skillbus.protocol.Event;
import dev.skillbus.protocol.Fields;
import dev.skillbus.store.ListStore;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Quick notes ({@code notes.create}, the Coach App's {@code quickNote:create}; {@code
 * notes.delete}), kept in a list per agent. Content is kept and sent exactly as written, as text.
 */
final class QuickNotes {

  static final String KIND = "note";

  private final AgentItems notes;

  QuickNotes(ListStore lists, Audiences audiences, CoachingSettings settings) {
    this.notes = new AgentItems(KIND, "quick note", lists, audiences, settings);
  }

  /** Stores the note, sends {@code quickNote:created}, answers with the stored note. */
  Future<JsonObject> create(Message<JsonObject> message) {
    return notes.create(message, QuickNotes::parse, Event.QUICK_NOTE_CREATED);
  }

  /**
   * {@code {id}}: deletes the note (404 when there is none, 403 when it is not the caller's to
   * change), sends {@code quickNote:deleted}, answers with the deleted note.
   */
  Future<JsonObject> delete(Message<JsonObject> message) {
    return notes.delete(message, Event.QUICK_NOTE_DELETED);
  }

  private static JsonObject parse(JsonObject body) {
    return new JsonObject()
      .put(AGENT_ID, Fields.requiredId(body, AGENT_ID, Fields.USER_ID))
      .put(NOTE_TYPE, CoachingFields.oneOf(body, NOTE_TYPE, NOTE_TYPES))
      .put(CONTENT, Fields.requiredString(body, CONTENT, MAX_CONTENT))
      .put(PRIORITY, CoachingFields.oneOf(body, PRIORITY, PRIORITIES))
      .put(CATEGORY, Fields.optionalString(body, CATEGORY, MAX_CATEGORY))
      .put(SESSION_ID, CoachingFields.optionalId(body, SESSION_ID, Fields.ROOM_ID));
  }

  /** {@code {agentId, offset?, limit?}}: a page of the agent's notes, newest first. */
  Future<JsonObject> list(Message<JsonObject> message) {
    return notes.list(message, Map.of());
  }
}
