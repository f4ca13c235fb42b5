package dev.skillbus.protocol;

/** Names of the events browsers receive in the envelope's {@code event} field (the seeds' names). */
public final class Event {

  public static final String SESSION_JOINED = "session-joined";
  public static final String USER_JOINED = "user-joined";
  public static final String USER_LEFT = "user-left";
  public static final String CURSOR_MOVED = "cursor-moved";
  public static final String USER_ACTIVITY_CHANGED = "user-activity-changed";
  public static final String MESSAGE = "message";

  // Coaching
  public static final String QUICK_NOTE_CREATED = "quickNote:created";
  public static final String ACTION_ITEM_CREATED = "actionItem:created";
  public static final String ACTION_ITEM_UPDATED = "actionItem:updated";
  public static final String SESSION_UPDATED = "session:updated";
  public static final String NOTIFICATION = "notification";

  private Event() {
  }
}
