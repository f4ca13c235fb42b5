package dev.skillbus.course;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("The template generator")
class TemplateGeneratorTest {

  /** Records what the generator reports; stops after {@code stopAfter} progress steps. */
  static final class Recorder implements Generation {
    final List<String> logs = new ArrayList<>();
    final List<int[]> progress = new ArrayList<>();
    final List<Runnable> hooks = new ArrayList<>();
    final int stopAfter;
    boolean stopped;

    Recorder(int stopAfter) {
      this.stopAfter = stopAfter;
    }

    @Override
    public CourseRequest request() {
      return new CourseRequest("Beekeeping", Level.BEGINNER, true);
    }

    @Override
    public void log(String message) {
      logs.add(message);
    }

    @Override
    public void progress(int step, int totalSteps, String message) {
      progress.add(new int[] {step, totalSteps});
      if (progress.size() == stopAfter) {
        stopped = true;
        hooks.forEach(Runnable::run);
      }
    }

    @Override
    public boolean stopped() {
      return stopped;
    }

    @Override
    public void onStop(Runnable cleanup) {
      hooks.add(cleanup);
    }
  }

  @Test
  @DisplayName("reports each step in order at its pace and builds the template course")
  void steps(Vertx vertx, VertxTestContext ctx) {
    Recorder recorder = new Recorder(Integer.MAX_VALUE);
    long started = System.nanoTime();
    vertx.runOnContext(v -> new TemplateGenerator(vertx, 20).generate(recorder).onComplete(ctx.succeeding(course -> ctx.verify(() -> {
      assertThat(course).isEqualTo(new TemplateCourse(recorder.request()).build());
      assertThat(recorder.progress).extracting(p -> p[0]).containsExactly(1, 2, 3, 4, 5, 6);
      assertThat(recorder.progress).allSatisfy(p -> assertThat(p[1]).isEqualTo(6));
      assertThat(recorder.logs).anyMatch(l -> l.contains("Web search is not used"));
      assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(6 * 20);
      ctx.completeNow();
    }))));
  }

  @Test
  @DisplayName("does no more work once stopped")
  void stops(Vertx vertx, VertxTestContext ctx) {
    Recorder recorder = new Recorder(2);
    vertx.runOnContext(v -> {
      new TemplateGenerator(vertx, 10).generate(recorder).onComplete(ar -> ctx.failNow("a stopped generation ended"));
      // Nothing announces work not done: allow it twenty paces, then look.
      vertx.setTimer(200, id -> ctx.verify(() -> {
        assertThat(recorder.progress).hasSize(2);
        ctx.completeNow();
      }));
    });
  }
}
