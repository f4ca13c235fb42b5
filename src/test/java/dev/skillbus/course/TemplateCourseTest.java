package dev.skillbus.course;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("The template course")
class TemplateCourseTest {

  static JsonObject build(String topic, Level level) {
    return new TemplateCourse(new CourseRequest(topic, level, false)).build();
  }

  @Test
  @DisplayName("is the same for the same topic and level, and differs with either")
  void deterministic() {
    JsonObject course = build("Machine learning", Level.INTERMEDIATE);
    assertThat(build("Machine learning", Level.INTERMEDIATE)).isEqualTo(course);
    assertThat(build("Machine learning", Level.ADVANCED)).isNotEqualTo(course);
    assertThat(build("Marine biology", Level.INTERMEDIATE)).isNotEqualTo(course);
  }

  @ParameterizedTest(name = "{0}: {1} modules")
  @CsvSource({"BEGINNER, 3", "INTERMEDIATE, 4", "ADVANCED, 5"})
  @DisplayName("has the course shape: title, summary, modules with objectives, outlined lessons and a quiz")
  void shape(Level level, int modules) {
    JsonObject course = build("Watercolour painting", level);
    assertThat(CourseShape.check(course)).isEqualTo(course);
    assertThat(course.getString("title")).startsWith("Watercolour painting: ");
    assertThat(course.getString("summary")).contains(level.wire(), "Watercolour painting");
    assertThat(course.getJsonArray("modules")).hasSize(modules);
    for (Object m : course.getJsonArray("modules")) {
      JsonObject module = (JsonObject) m;
      assertThat(module.getJsonArray("objectives")).hasSize(3);
      assertThat(module.getJsonArray("lessons")).hasSize(3)
        .allSatisfy(l -> assertThat(((JsonObject) l).getJsonArray("outline")).hasSize(5));
      JsonArray questions = module.getJsonObject("quiz").getJsonArray("questions");
      assertThat(questions).hasSize(3);
      for (int i = 0; i < questions.size(); i++) {
        JsonObject question = questions.getJsonObject(i);
        JsonArray options = question.getJsonArray("options");
        assertThat(options).hasSize(4).doesNotHaveDuplicates();
        assertThat(options.getString(question.getInteger("answer")))
          .as("the right option is the lesson's objective").isEqualTo(module.getJsonArray("objectives").getString(i));
      }
    }
  }
}
