package dev.skillbus.course;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("A course's shape")
class CourseShapeTest {

  static JsonObject good() {
    return FakeOpenAi.course("Tides");
  }

  static JsonObject module(JsonObject course) {
    return course.getJsonArray("modules").getJsonObject(0);
  }

  static JsonObject question(JsonObject course) {
    return module(course).getJsonObject("quiz").getJsonArray("questions").getJsonObject(0);
  }

  static Arguments broken(String what, Consumer<JsonObject> breakIt, String message) {
    return Arguments.of(what, breakIt, message);
  }

  static Stream<Arguments> brokenCourses() {
    return Stream.of(
      broken("no title", c -> c.remove("title"), "'title' must be non-empty text"),
      broken("no modules", c -> c.put("modules", new JsonArray()), "'modules' must be a non-empty list"),
      broken("too many modules", c -> c.put("modules", new JsonArray(java.util.Collections.nCopies(21, module(c)))),
        "'modules' must hold at most 20 entries"),
      broken("a module that is text", c -> c.getJsonArray("modules").set(1, "Module two"), "'modules[1]' must be an object"),
      broken("a lesson without outline", c -> module(c).getJsonArray("lessons").getJsonObject(0).remove("outline"),
        "'modules[0].lessons[0].outline' must be a non-empty list"),
      broken("a blank objective", c -> module(c).put("objectives", new JsonArray().add(" ")),
        "'modules[0].objectives[0]' must be non-empty text"),
      broken("no quiz", c -> module(c).remove("quiz"), "'modules[0].quiz' must be an object"),
      broken("one option", c -> question(c).put("options", new JsonArray().add("Yes")),
        "'modules[0].quiz.questions[0].options' must hold at least 2 options"),
      broken("an answer out of range", c -> question(c).put("answer", 4),
        "'modules[0].quiz.questions[0].answer' must be the index of one of the options (0 to 3)"),
      broken("an answer that is no option", c -> question(c).put("answer", "Gold"),
        "'modules[0].quiz.questions[0].answer' must be the index"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenCourses")
  @DisplayName("is checked, and the first thing wrong is named with its path")
  void refused(String what, Consumer<JsonObject> breakIt, String message) {
    JsonObject course = good();
    breakIt.accept(course);
    assertThatThrownBy(() -> CourseShape.check(course)).isInstanceOf(IllegalArgumentException.class)
      .hasMessageStartingWith(message);
  }

  @Test
  @DisplayName("keeps only the known fields, trimmed, and accepts an answer given as the option's text")
  void cleaned() {
    JsonObject course = good().put("extra", "dropped");
    question(course).put("answer", " Salt ");
    module(course).put("title", "  Spaced  ");
    JsonObject checked = CourseShape.check(course);
    assertThat(checked.fieldNames()).containsExactlyInAnyOrder("title", "summary", "modules");
    assertThat(question(checked).getInteger("answer")).isEqualTo(1);
    assertThat(module(checked).getString("title")).isEqualTo("Spaced");
  }

  @Test
  @DisplayName("of a model's answer may come in a fenced block; prose is refused")
  void parsedAnswers() {
    String fenced = "```json\n" + good().encodePrettily() + "\n```";
    assertThat(OpenAiGenerator.parse(fenced).getString("title")).isEqualTo("The model's course on Tides");
    assertThatThrownBy(() -> OpenAiGenerator.parse("I cannot do that."))
      .hasMessage("the model's answer is not a JSON object: I cannot do that.");
  }
}
