package dev.skillbus.course;

import dev.skillbus.course.TemplateCatalog.LessonPlan;
import dev.skillbus.course.TemplateCatalog.ModulePlan;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A course built from the {@link TemplateCatalog} for a topic and level: the same input always gives
 * the same course. Each module lists its objectives, teaches them in three lessons with outlines,
 * and ends with a quiz asking, for each lesson, what a learner can do after it.
 */
final class TemplateCourse {

  private static final int OPTIONS = 4;

  private final String topic;
  private final Level level;
  private final List<ModulePlan> plans;
  private final int seed;

  TemplateCourse(CourseRequest request) {
    this.topic = request.topic();
    this.level = request.level();
    this.plans = TemplateCatalog.PLANS.get(level);
    this.seed = Math.floorMod((topic + "|" + level.wire()).hashCode(), 1 << 20);
  }

  List<String> moduleTitles() {
    return plans.stream().map(plan -> fill(plan.title())).toList();
  }

  String title() {
    return capitalize(topic) + ": " + switch (level) {
      case BEGINNER -> "a beginner's course";
      case INTERMEDIATE -> "an intermediate course";
      case ADVANCED -> "an advanced course";
    };
  }

  /** The whole course. */
  JsonObject build() {
    JsonArray modules = new JsonArray();
    for (int i = 0; i < plans.size(); i++) {
      modules.add(module(i));
    }
    String summary = "A " + level.wire() + " course on " + topic + " in " + plans.size() + " modules: "
      + String.join("; ", moduleTitles()) + ". Each module sets out its objectives, teaches them in "
      + "three lessons and ends with a quiz.";
    return new JsonObject().put("title", title()).put("summary", summary).put("modules", modules);
  }

  /** Module {@code index} (0-based). */
  JsonObject module(int index) {
    ModulePlan plan = plans.get(index);
    JsonArray objectives = new JsonArray();
    JsonArray lessons = new JsonArray();
    JsonArray questions = new JsonArray();
    for (int j = 0; j < plan.lessons().size(); j++) {
      LessonPlan lesson = plan.lessons().get(j);
      objectives.add(capitalize(fill(lesson.goal())));
      lessons.add(lesson(lesson, index * 3 + j));
      questions.add(question(index, lesson, index * 3 + j));
    }
    return new JsonObject().put("title", fill(plan.title()))
      .put("summary", "After this module you can " + plan.lessons().stream().map(l -> fill(l.goal()))
        .collect(Collectors.joining("; ")) + ".")
      .put("objectives", objectives).put("lessons", lessons)
      .put("quiz", new JsonObject().put("questions", questions));
  }

  private JsonObject lesson(LessonPlan plan, int number) {
    String title = fill(plan.title());
    String setting = TemplateCatalog.SETTINGS.get(Math.floorMod(seed + number, TemplateCatalog.SETTINGS.size()));
    JsonArray outline = new JsonArray();
    TemplateCatalog.OUTLINE.forEach(step -> outline.add(String.format(step, title, fill(plan.goal()), setting)));
    return new JsonObject().put("title", title).put("outline", outline);
  }

  /** "What can you do after ...?": the lesson's goal, and goals of lessons of other modules. */
  private JsonObject question(int moduleIndex, LessonPlan lesson, int number) {
    List<String> others = new ArrayList<>();
    for (int m = 0; m < plans.size(); m++) {
      if (m != moduleIndex) {
        plans.get(m).lessons().forEach(l -> others.add(capitalize(fill(l.goal()))));
      }
    }
    List<String> options = new ArrayList<>();
    for (int k = 0; options.size() < OPTIONS - 1; k++) {
      String candidate = others.get(Math.floorMod(seed + number * 5 + k * 7, others.size()));
      if (!options.contains(candidate)) {
        options.add(candidate);
      }
    }
    int answer = Math.floorMod(seed + number, OPTIONS);
    options.add(answer, capitalize(fill(lesson.goal())));
    return new JsonObject()
      .put("question", "Which of these can you do after the lesson \"" + fill(lesson.title()) + "\"?")
      .put("options", new JsonArray(options)).put("answer", answer);
  }

  private String fill(String pattern) {
    return pattern.replace("%s", topic);
  }

  private static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
