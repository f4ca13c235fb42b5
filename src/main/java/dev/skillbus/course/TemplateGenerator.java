package dev.skillbus.course;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The offline generator: builds a {@link TemplateCourse} step by step (analyse the topic, plan the
 * modules, write each module, review), one step every {@code paceMs}, so that a browser sees the
 * course grow as it would with a model. Same topic and level, same course.
 */
final class TemplateGenerator implements CourseGenerator {

  static final String NAME = "template";

  private final Vertx vertx;
  private final long paceMs;

  TemplateGenerator(Vertx vertx, long paceMs) {
    this.vertx = vertx;
    this.paceMs = paceMs;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Future<JsonObject> generate(Generation generation) {
    TemplateCourse course = new TemplateCourse(generation.request());
    List<Runnable> steps = steps(generation, course);
    Promise<JsonObject> result = Promise.promise();
    long[] timer = {-1};
    generation.onStop(() -> vertx.cancelTimer(timer[0]));
    runStep(generation, steps, 0, timer, () -> result.tryComplete(course.build()));
    return result.future();
  }

  /** Runs step {@code index}, then schedules the next one after the pace; {@code done} after the last. */
  private void runStep(Generation generation, List<Runnable> steps, int index, long[] timer, Runnable done) {
    if (generation.stopped()) {
      return;
    }
    if (index == steps.size()) {
      done.run();
      return;
    }
    steps.get(index).run();
    timer[0] = vertx.setTimer(Math.max(1, paceMs), id -> runStep(generation, steps, index + 1, timer, done));
  }

  /** Analyse, plan, one step per module, review. */
  private static List<Runnable> steps(Generation generation, TemplateCourse course) {
    CourseRequest request = generation.request();
    List<String> modules = course.moduleTitles();
    int total = modules.size() + 3;
    List<Runnable> steps = new ArrayList<>();
    steps.add(() -> analyse(generation, request, total));
    steps.add(() -> {
      generation.log("Course title: " + course.title());
      generation.progress(2, total, "Planned " + modules.size() + " modules: " + String.join("; ", modules));
    });
    for (int i = 0; i < modules.size(); i++) {
      steps.add(writeModule(generation, course, i, total));
    }
    steps.add(() -> generation.progress(total, total, "Course reviewed"));
    return steps;
  }

  private static void analyse(Generation generation, CourseRequest request, int total) {
    generation.log("Analysing the topic \"" + request.topic() + "\" for a " + request.level().wire() + " course");
    if (request.webSearch()) {
      generation.log("Web search is not used by the template generator: the course is built offline");
    }
    generation.progress(1, total, "Topic analysed");
  }

  private static Runnable writeModule(Generation generation, TemplateCourse course, int index, int total) {
    JsonObject module = course.module(index);
    int number = index + 1;
    int modules = total - 3;
    return () -> {
      generation.log("Writing module " + number + ": " + module.getString("title"));
      generation.progress(number + 2, total, "Module " + number + " of " + modules + " written: "
        + module.getJsonArray("lessons").size() + " lessons, a quiz of "
        + module.getJsonObject("quiz").getJsonArray("questions").size() + " questions");
    };
  }
}
