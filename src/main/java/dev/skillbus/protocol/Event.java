package dev.skillbus.protocol;

/** Names of the events browsers receive in the envelope's {@code event} field (the seeds' names). */
public final class Event {

  public static final String SESSION_JOINED = "session-joined";
  /** To a connection an admin took out of a room ({@code POST /socket/rooms/leave}): {@code {sessionId, reason}}. */
  public static final String SESSION_LEFT = "session-left";
  public static final String USER_JOINED = "user-joined";
  public static final String USER_LEFT = "user-left";
  public static final String CURSOR_MOVED = "cursor-moved";
  public static final String USER_ACTIVITY_CHANGED = "user-activity-changed";
  public static final String MESSAGE = "message";

  // Coaching
  public static final String QUICK_NOTE_CREATED = "quickNote:created";
  public static final String QUICK_NOTE_DELETED = "quickNote:deleted";
  public static final String ACTION_ITEM_CREATED = "actionItem:created";
  public static final String ACTION_ITEM_UPDATED = "actionItem:updated";
  public static final String ACTION_ITEM_DELETED = "actionItem:deleted";
  public static final String SESSION_UPDATED = "session:updated";
  public static final String NOTIFICATION = "notification";
  // Course generation (to a course session's room) and AI requests (to the caller's user address).
  public static final String SESSION_STATUS = "session_status";
  public static final String COURSE_GENERATION_UPDATE = "course_generation_update";
  public static final String COURSE_GENERATION_COMPLETE = "course_generation_complete";
  public static final String STATUS_UPDATE = "status_update";
  public static final String AI_RESPONSE = "ai_response";

  private Event() {
  }
}
