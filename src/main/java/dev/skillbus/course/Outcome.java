package dev.skillbus.course;

import static dev.skillbus.course.CourseFields.COURSE_ID;
import static dev.skillbus.course.CourseFields.ERROR;
import static dev.skillbus.course.CourseFields.FINISHED_AT;
import static dev.skillbus.course.CourseFields.PERCENT;
import static dev.skillbus.course.CourseFields.SESSION_ID;
import static dev.skillbus.course.CourseFields.STATUS;
import static dev.skillbus.course.CourseFields.SUCCESS;

import dev.skillbus.protocol.Timestamps;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * How a job ended: its final status, the course it built or the error, and the last updates to send
 * before the {@code course_generation_complete} event.
 */
record Outcome(JobStatus status, String courseId, String error, List<StreamMessage> lastUpdates) {

  static Outcome completed(String courseId, List<StreamMessage> lastUpdates) {
    return new Outcome(JobStatus.COMPLETED, courseId, null, lastUpdates);
  }

  static Outcome failed(String error) {
    return new Outcome(JobStatus.FAILED, null, error, List.of(StreamMessage.error("Course generation failed: " + error)));
  }

  static Outcome cancelled(String by) {
    return new Outcome(JobStatus.CANCELLED, null, "cancelled by " + by,
      List.of(StreamMessage.log("Course generation cancelled by " + by)));
  }

  /** What changes in the stored status. */
  JsonObject statusFields() {
    JsonObject fields = new JsonObject().put(STATUS, status.wire()).put(FINISHED_AT, Timestamps.now());
    if (status == JobStatus.COMPLETED) {
      fields.put(PERCENT, 100).put(COURSE_ID, courseId);
    } else {
      fields.put(ERROR, error);
    }
    return fields;
  }

  /** The data of {@code course_generation_complete}: {@code {success, courseId?, sessionId, error?}}. */
  JsonObject completeData(String sessionId) {
    JsonObject data = new JsonObject().put(SUCCESS, status == JobStatus.COMPLETED);
    if (courseId != null) {
      data.put(COURSE_ID, courseId);
    }
    data.put(SESSION_ID, sessionId);
    if (error != null) {
      data.put(ERROR, error);
    }
    return data;
  }
}
