package dev.skillbus.session;

/** Field names of the session requests, replies and event data (design.md), spelled once. */
final class SessionFields {

  static final String SESSION_ID = "sessionId";
  static final String NAME = "name";
  static final String ROLE = "role";
  static final String SINCE = "since";
  static final String EPOCH = "epoch";
  static final String SEQ = "seq";
  static final String PARTICIPANTS = "participants";
  static final String MISSED = "missed";
  static final String RECOVERED = "recovered";
  static final String STATUS = "status";
  static final String EVENTS = "events";
  static final String COMPLETE = "complete";
  static final String MORE = "more";
  static final String LIMIT = "limit";
  static final String USER_ID = "userId";
  /** In {@code user-joined} and {@code user-left}: who, as the Socket.IO back end sent it. */
  static final String USER = "user";
  static final String LINE = "line";
  static final String COLUMN = "column";
  static final String CURSOR = "cursor";
  static final String IS_ACTIVE = "isActive";
  static final String TEXT = "text";
  static final String DATA = "data";
  /** The body of {@code Address.CONNECTION_CLOSED}. */
  static final String CONN_ID = "connId";

  private SessionFields() {
  }
}
