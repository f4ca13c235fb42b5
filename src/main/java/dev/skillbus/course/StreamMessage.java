package dev.skillbus.course;

import dev.skillbus.protocol.Timestamps;
import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * One step of a generation, the data of a {@code course_generation_update} event: the SkillUp
 * seed's StreamMessage {@code {type, message, data?, timestamp}}.
 */
record StreamMessage(Type type, String message, JsonObject data) {

  enum Type {
    LOG, PROGRESS, SUCCESS, ERROR, COURSE_GENERATED;

    String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  static StreamMessage log(String message) {
    return new StreamMessage(Type.LOG, message, null);
  }

  /** Progress carries {@code {step, totalSteps, percent}}. */
  static StreamMessage progress(int step, int totalSteps, String message) {
    int bounded = Math.max(0, Math.min(step, totalSteps));
    return new StreamMessage(Type.PROGRESS, message, new JsonObject()
      .put("step", bounded).put("totalSteps", totalSteps).put(CourseFields.PERCENT, percent(bounded, totalSteps)));
  }

  static StreamMessage success(String message) {
    return new StreamMessage(Type.SUCCESS, message, null);
  }

  static StreamMessage error(String message) {
    return new StreamMessage(Type.ERROR, message, null);
  }

  static StreamMessage courseGenerated(String message, JsonObject summary) {
    return new StreamMessage(Type.COURSE_GENERATED, message, summary);
  }

  static int percent(int step, int totalSteps) {
    return totalSteps <= 0 ? 0 : (int) Math.round(step * 100.0 / totalSteps);
  }

  /** The percent a progress message reports, or -1 for other messages. */
  int percent() {
    return type == Type.PROGRESS ? data.getInteger(CourseFields.PERCENT) : -1;
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject().put("type", type.wire()).put("message", message);
    if (data != null) {
      json.put("data", data);
    }
    return json.put("timestamp", Timestamps.now());
  }
}
