package dev.skillbus.coaching;

import dev.skillbus.protocol.Fields;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * The fields a session document has, and their rules: {@code discussionNotes} text up to
 * {@value #MAX_NOTES} characters, {@code topicsCovered} up to {@value #MAX_TOPICS} topics of 1 to
 * {@value #MAX_TOPIC} characters, {@code engagementScore} a number from 0 to 10. Any other field is
 * refused, naming it, so that a typo never silently stores nothing.
 */
final class SessionUpdates {

  static final String DISCUSSION_NOTES = "discussionNotes";
  static final String TOPICS_COVERED = "topicsCovered";
  static final String ENGAGEMENT_SCORE = "engagementScore";
  static final Set<String> FIELDS = Set.of(DISCUSSION_NOTES, TOPICS_COVERED, ENGAGEMENT_SCORE);

  static final int MAX_NOTES = 20_000;
  static final int MAX_TOPICS = 50;
  static final int MAX_TOPIC = 200;
  static final double MAX_SCORE = 10;

  private SessionUpdates() {
  }

  /** The validated updates in {@code value} (the request's {@code field}); a 400 naming what was wrong. */
  static JsonObject parse(Object value, String field) {
    if (!(value instanceof JsonObject updates) || updates.isEmpty()) {
      throw Fields.bad("'" + field + "' must be an object with at least one of " + String.join(", ", FIELDS.stream().sorted().toList()));
    }
    for (String name : updates.fieldNames()) {
      if (!FIELDS.contains(name)) {
        throw Fields.bad("'" + field + "." + name + "' is not a session field");
      }
    }
    JsonObject parsed = new JsonObject();
    if (updates.containsKey(DISCUSSION_NOTES)) {
      parsed.put(DISCUSSION_NOTES, notes(updates, field + "." + DISCUSSION_NOTES));
    }
    if (updates.containsKey(TOPICS_COVERED)) {
      parsed.put(TOPICS_COVERED, topics(updates.getValue(TOPICS_COVERED), field + "." + TOPICS_COVERED));
    }
    if (updates.containsKey(ENGAGEMENT_SCORE)) {
      parsed.put(ENGAGEMENT_SCORE, score(updates.getValue(ENGAGEMENT_SCORE), field + "." + ENGAGEMENT_SCORE));
    }
    return parsed;
  }

  private static String notes(JsonObject updates, String name) {
    Object value = updates.getValue(DISCUSSION_NOTES);
    if (!(value instanceof String s)) {
      throw Fields.bad("'" + name + "' must be a string");
    }
    if (Fields.characters(s) > MAX_NOTES) {
      throw Fields.bad("'" + name + "' must be at most " + MAX_NOTES + " characters");
    }
    return Fields.unicode(s, name);
  }

  private static JsonArray topics(Object value, String name) {
    if (!(value instanceof JsonArray topics) || topics.size() > MAX_TOPICS) {
      throw Fields.bad("'" + name + "' must be an array of at most " + MAX_TOPICS + " topics");
    }
    for (Object topic : topics) {
      if (!(topic instanceof String s) || Fields.isBlank(s) || Fields.characters(s) > MAX_TOPIC) {
        throw Fields.bad("'" + name + "' must hold strings of 1 to " + MAX_TOPIC + " characters, not all blank");
      }
      Fields.unicode(s, name);
    }
    return topics.copy();
  }

  private static Number score(Object value, String name) {
    if (!(value instanceof Number n) || Double.isNaN(n.doubleValue()) || n.doubleValue() < 0 || n.doubleValue() > MAX_SCORE) {
      throw Fields.bad("'" + name + "' must be a number from 0 to 10");
    }
    return n;
  }
}
