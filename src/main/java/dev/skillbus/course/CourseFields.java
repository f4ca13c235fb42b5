package dev.skillbus.course;

/** Field names of the course and AI requests, replies, events and stored documents, spelled once. */
final class CourseFields {

  static final String SESSION_ID = "sessionId";
  static final String TOPIC = "topic";
  static final String LEVEL = "level";
  static final String WEB_SEARCH = "webSearch";
  static final String STATUS = "status";
  static final String PERCENT = "percent";
  static final String OWNER = "owner";
  static final String OWNER_NAME = "ownerName";
  static final String NODE = "node";
  static final String GENERATOR = "generator";
  static final String STARTED_AT = "startedAt";
  static final String FINISHED_AT = "finishedAt";
  static final String COURSE_ID = "courseId";
  static final String ERROR = "error";
  static final String SUCCESS = "success";
  static final String MESSAGE = "message";
  static final String REASON = "reason";
  static final String ENDED = "ended";
  static final String TOOL_ID = "toolId";
  static final String REQUEST_ID = "requestId";
  static final String CONTENT = "content";
  static final String ACCEPTED = "accepted";
  /** The body of {@code Address.ROOM_JOINED}. */
  static final String CONN_ID = "connId";
  static final String ROOM_ID = "roomId";

  private CourseFields() {
  }
}
