package dev.skillbus.course;

import dev.skillbus.protocol.Fields;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.BiFunction;

/**
 * The one shape of a course, whoever built it: checks a course JSON and returns a clean copy with
 * only the known fields, or fails with an {@link IllegalArgumentException} naming the first thing
 * wrong ({@code 'modules[1].quiz.questions[0].answer' must be ...}). Bounds keep a stored course
 * within the store's value limit.
 */
final class CourseShape {

  static final int MAX_TITLE = 300;
  static final int MAX_TEXT = 2000;
  static final int MAX_ITEM = 500;
  static final int MAX_MODULES = 20;
  static final int MAX_ITEMS = 20;
  static final int MAX_OPTIONS = 6;

  private CourseShape() {
  }

  /** The course as stored and served: {@code title, summary, modules}. */
  static JsonObject check(JsonObject raw) {
    if (raw == null) {
      throw invalid("the course", "must be a JSON object");
    }
    return new JsonObject()
      .put("title", text(raw, "title", "title", MAX_TITLE))
      .put("summary", text(raw, "summary", "summary", MAX_TEXT))
      .put("modules", list(raw, "modules", "modules", MAX_MODULES, CourseShape::module));
  }

  private static JsonObject module(Object value, String path) {
    JsonObject module = object(value, path);
    JsonObject checked = new JsonObject().put("title", text(module, "title", path + ".title", MAX_TITLE));
    if (module.getValue("summary") != null) {
      checked.put("summary", text(module, "summary", path + ".summary", MAX_TEXT));
    }
    return checked
      .put("objectives", list(module, "objectives", path + ".objectives", MAX_ITEMS, CourseShape::item))
      .put("lessons", list(module, "lessons", path + ".lessons", MAX_ITEMS, CourseShape::lesson))
      .put("quiz", new JsonObject().put("questions", list(object(module.getValue("quiz"), path + ".quiz"),
        "questions", path + ".quiz.questions", MAX_ITEMS, CourseShape::question)));
  }

  private static JsonObject lesson(Object value, String path) {
    JsonObject lesson = object(value, path);
    return new JsonObject()
      .put("title", text(lesson, "title", path + ".title", MAX_TITLE))
      .put("outline", list(lesson, "outline", path + ".outline", MAX_ITEMS, CourseShape::item));
  }

  private static JsonObject question(Object value, String path) {
    JsonObject question = object(value, path);
    JsonArray options = list(question, "options", path + ".options", MAX_OPTIONS, CourseShape::item);
    if (options.size() < 2) {
      throw invalid(path + ".options", "must hold at least 2 options");
    }
    return new JsonObject()
      .put("question", text(question, "question", path + ".question", MAX_TEXT))
      .put("options", options)
      .put("answer", answer(question.getValue("answer"), options, path + ".answer"));
  }

  /** The index of the right option; an answer given as the option's text is accepted too. */
  private static int answer(Object value, JsonArray options, String path) {
    if (value instanceof String text && options.contains(text.strip())) {
      return options.getList().indexOf(text.strip());
    }
    Long index = value instanceof Number n ? Fields.exactLong(n) : null;
    if (index != null && index >= 0 && index < options.size()) {
      return (int) (long) index;
    }
    throw invalid(path, "must be the index of one of the options (0 to " + (options.size() - 1) + ")");
  }

  private static String item(Object value, String path) {
    if (!(value instanceof String s) || s.isBlank()) {
      throw invalid(path, "must be non-empty text");
    }
    if (s.length() > MAX_ITEM) {
      throw invalid(path, "must be at most " + MAX_ITEM + " characters");
    }
    return s.strip();
  }

  private static String text(JsonObject object, String field, String path, int max) {
    Object value = object.getValue(field);
    if (!(value instanceof String s) || s.isBlank()) {
      throw invalid(path, "must be non-empty text");
    }
    if (s.length() > max) {
      throw invalid(path, "must be at most " + max + " characters");
    }
    return s.strip();
  }

  private static JsonArray list(JsonObject object, String field, String path, int max,
                                BiFunction<Object, String, Object> element) {
    if (!(object.getValue(field) instanceof JsonArray array) || array.isEmpty()) {
      throw invalid(path, "must be a non-empty list");
    }
    if (array.size() > max) {
      throw invalid(path, "must hold at most " + max + " entries");
    }
    JsonArray checked = new JsonArray();
    for (int i = 0; i < array.size(); i++) {
      checked.add(element.apply(array.getValue(i), path + "[" + i + "]"));
    }
    return checked;
  }

  private static JsonObject object(Object value, String path) {
    if (!(value instanceof JsonObject object)) {
      throw invalid(path, "must be an object");
    }
    return object;
  }

  private static IllegalArgumentException invalid(String path, String problem) {
    return new IllegalArgumentException("'" + path + "' " + problem);
  }
}
