package dev.skillbus.course;

import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.Fields;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;

/**
 * The offline tool {@code outline}: the message is a topic, the answer a Markdown outline of a
 * beginner course on it, built by the template generator's course (same topic, same outline).
 */
final class OutlineTool implements AiTool {

  static final String ID = "outline";
  private final int maxTopicLength;

  OutlineTool(int maxTopicLength) {
    this.maxTopicLength = maxTopicLength;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String description() {
    return "a course outline for a topic, offline";
  }

  @Override
  public void check(String message) {
    // A line break or control character is refused at either end too, not trimmed away.
    if (Fields.characters(message.strip()) > maxTopicLength || !CourseRequest.isOneLine(message)) {
      throw ErrorCode.BAD_REQUEST.exception("the outline tool takes a topic: one line of at most " + maxTopicLength + " characters");
    }
  }

  @Override
  public Future<String> run(String message, Consumer<String> status, Consumer<Runnable> onStop) {
    String topic = message.strip();
    status.accept("Outlining \"" + topic + "\"");
    JsonObject course = new TemplateCourse(new CourseRequest(topic, Level.BEGINNER, false)).build();
    StringBuilder outline = new StringBuilder("# ").append(course.getString("title")).append("\n\n")
      .append(course.getString("summary")).append('\n');
    course.getJsonArray("modules").forEach(m -> {
      JsonObject module = (JsonObject) m;
      outline.append("\n## ").append(module.getString("title")).append('\n');
      module.getJsonArray("lessons").forEach(l -> outline.append("- ").append(((JsonObject) l).getString("title")).append('\n'));
    });
    return Future.succeededFuture(outline.toString());
  }
}
