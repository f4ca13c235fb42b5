package dev.skillbus.course;

import static dev.skillbus.course.CourseFields.STATUS;

import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.ProtocolException;
import dev.skillbus.store.DocumentStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * Course sessions' status and the courses built, as documents: {@code courseSession:<sessionId>}
 * expires {@code ttl} after its last change; {@code course:<courseId>} is kept. A status changes only
 * while it is {@code running} (compare-and-set on its version), so that of all who try to end a job
 * (the job itself, a cancel, a survivor of its node) exactly one does.
 */
final class CourseStore {

  static final String STATUS_KIND = "courseSession";
  static final String COURSE_KIND = "course";
  private static final int ATTEMPTS = 20;

  private final DocumentStore documents;
  private final Duration ttl;

  CourseStore(DocumentStore documents, Duration ttl) {
    this.documents = documents;
    this.ttl = ttl;
  }

  /** Stores a new session's status; 409 when the id is taken. */
  Future<Void> create(String sessionId, JsonObject status) {
    return documents.put(STATUS_KIND, sessionId, status, 0L, ttl).mapEmpty();
  }

  /** The session's status, or {@code null} when there is none (never was, or expired). */
  Future<JsonObject> status(String sessionId) {
    return documents.get(STATUS_KIND, sessionId).map(doc -> doc == null ? null : doc.value());
  }

  /** What {@link #updateIfRunning} found: a running job's status (changed), a final one, or none. */
  enum Update { CHANGED, NOT_RUNNING, MISSING }

  /** An {@link Update} and the status it found ({@code null} when there was none). */
  record Change(Update update, JsonObject found) {
  }

  /** Merges {@code fields} into the status if the job is still running. */
  Future<Update> updateIfRunning(String sessionId, JsonObject fields) {
    return change(sessionId, fields).map(Change::update);
  }

  /** As {@link #updateIfRunning}, with the status found. */
  Future<Change> change(String sessionId, JsonObject fields) {
    return change(sessionId, fields, 1);
  }

  private Future<Change> change(String sessionId, JsonObject fields, int attempt) {
    return documents.get(STATUS_KIND, sessionId).compose(doc -> {
      if (doc == null) {
        return Future.succeededFuture(new Change(Update.MISSING, null));
      }
      if (!JobStatus.RUNNING.wire().equals(doc.value().getString(STATUS))) {
        return Future.succeededFuture(new Change(Update.NOT_RUNNING, doc.value()));
      }
      JsonObject changed = doc.value().copy().mergeIn(fields);
      return documents.put(STATUS_KIND, sessionId, changed, doc.version(), ttl).map(new Change(Update.CHANGED, doc.value()))
        .recover(err -> attempt < ATTEMPTS && isConflict(err)
          ? change(sessionId, fields, attempt + 1)
          : Future.failedFuture(err));
    });
  }

  static boolean isConflict(Throwable err) {
    return err instanceof ProtocolException pe && pe.code() == ErrorCode.CONFLICT;
  }

  Future<Void> saveCourse(String courseId, JsonObject course) {
    return documents.put(COURSE_KIND, courseId, course, 0L).mapEmpty();
  }

  Future<Void> deleteCourse(String courseId) {
    return documents.delete(COURSE_KIND, courseId).mapEmpty();
  }

  /** The course, or {@code null}. */
  Future<JsonObject> course(String courseId) {
    return documents.get(COURSE_KIND, courseId).map(doc -> doc == null ? null : doc.value());
  }
}
