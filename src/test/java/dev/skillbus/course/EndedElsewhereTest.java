package dev.skillbus.course;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.store.InMemoryDocumentStore;
import dev.skillbus.store.InMemoryRoomHistory;
import dev.skillbus.testing.ForwardingHistory;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("A course job whose session another node ended without this node hearing of it")
class EndedElsewhereTest {

  /** A generator that reports nothing by itself and never finishes: the job's own start log is its only update. */
  static final class Idle implements CourseGenerator {
    final Promise<Void> stopped = Promise.promise();

    @Override
    public String name() {
      return "idle";
    }

    @Override
    public Future<JsonObject> generate(Generation generation) {
      generation.onStop(stopped::tryComplete);
      return Promise.<JsonObject>promise().future();
    }
  }

  /** The in-memory history, counting the course events that reach it, whichever way they are appended. */
  static final class CountingHistory extends ForwardingHistory {
    final AtomicInteger courseEvents = new AtomicInteger();

    CountingHistory() {
      super(new InMemoryRoomHistory(100, 3600));
    }

    @Override
    public Future<JsonObject> append(String roomId, String event, JsonObject data) {
      courseEvents.incrementAndGet();
      return inner.append(roomId, event, data);
    }

    @Override
    public Future<JsonObject> appendToStream(String roomId, String event, JsonObject data, String id) {
      courseEvents.incrementAndGet();
      return inner.appendToStream(roomId, event, data, id);
    }
  }

  @Test
  @DisplayName("stops at its first update, which the history refuses, and sends nothing more to the store")
  void stopsAtTheFirstRefusedUpdate(Vertx vertx) throws Exception {
    CountingHistory history = new CountingHistory();
    String sessionId = "course_1_ended";
    JsonObject completeData = Outcome.failed(NodeLoss.MESSAGE).completeData(sessionId);
    history.endStream(sessionId, CourseClient.COMPLETE, completeData).await(5, TimeUnit.SECONDS);
    SessionEvents events = new SessionEvents(vertx, history, sessionId, () -> false, event -> { });
    Idle generator = new Idle();
    // No ender: a job that stops because its session ended elsewhere ends nothing itself.
    CourseJob job = new CourseJob(vertx, new JobRef(sessionId, "ann", "node-a"),
      new CourseRequest("Tides", Level.BEGINNER, false), generator, events,
      new CourseStore(new InMemoryDocumentStore(1 << 20), Duration.ofHours(1)), null);

    vertx.runOnContext(v -> job.start(600));
    job.finished().await(5, TimeUnit.SECONDS);
    generator.stopped.future().await(5, TimeUnit.SECONDS);
    assertThat(job.stopped()).isTrue();
    events.update(StreamMessage.log("sent after the refusal")).await(5, TimeUnit.SECONDS);

    assertThat(history.courseEvents.get()).as("only the start log reached the store").isEqualTo(1);
    List<JsonObject> stored = history.since(sessionId, 0, null).await(5, TimeUnit.SECONDS).events();
    assertThat(stored).extracting(e -> e.getString("event")).containsExactly(CourseClient.COMPLETE);
  }
}
