package dev.skillbus.course;

import static dev.skillbus.course.CourseFields.LEVEL;
import static dev.skillbus.course.CourseFields.TOPIC;
import static dev.skillbus.course.CourseFields.WEB_SEARCH;

import dev.skillbus.protocol.Fields;
import io.vertx.core.json.JsonObject;

/**
 * A validated {@code course.generate} body: what course to build. The topic is one line of text,
 * trimmed; the level defaults to beginner, web search to off.
 */
public record CourseRequest(String topic, Level level, boolean webSearch) {

  /** Parses a request body, or throws a 400 naming the field that is wrong. */
  static CourseRequest parse(JsonObject body, int maxTopicLength) {
    // The length counts once trimmed: the frame size already bounds what is read here. A line break
    // or control character is refused wherever it is, at either end too, rather than trimmed away.
    String given = Fields.requiredString(body, TOPIC, Integer.MAX_VALUE);
    if (!isOneLine(given)) {
      throw Fields.bad("'" + TOPIC + "' must be one line of text (no line breaks, line or paragraph separators or control characters)");
    }
    String topic = given.strip();
    if (Fields.characters(topic) > maxTopicLength) {
      throw Fields.bad("'" + TOPIC + "' must be at most " + maxTopicLength + " characters (without the spaces around it)");
    }
    String wire = Fields.optionalString(body, LEVEL, 32);
    Level level = wire == null ? Level.BEGINNER : Level.of(wire);
    if (level == null) {
      throw Fields.bad("'" + LEVEL + "' must be one of " + Level.choices());
    }
    boolean webSearch = body.getValue(WEB_SEARCH) != null && Fields.requiredBoolean(body, WEB_SEARCH);
    return new CourseRequest(topic, level, webSearch);
  }

  /** No line break of any kind: no control character (CR, LF, NEL...), no line or paragraph separator. */
  static boolean isOneLine(String text) {
    return text.chars().noneMatch(c -> Character.isISOControl(c) || c == '\u2028' || c == '\u2029');
  }
}
