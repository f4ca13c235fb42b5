package dev.skillbus.course;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.store.InMemoryRoomHistory;
import dev.skillbus.testing.BusProbe;
import dev.skillbus.testing.ForwardingHistory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("A course session's complete event that the store failed to take")
class CompleteEventRetryTest {

  /**
   * The in-memory history, failing its first ends: before storing, or after (the answer lost), and
   * then with {@code chatter} messages of the room stored after the end before the answer is lost.
   */
  static final class FailingEnds extends ForwardingHistory {
    final AtomicInteger failures;
    final AtomicInteger attempts = new AtomicInteger();
    final boolean storeFirst;
    final int chatter;

    FailingEnds(int failures, boolean storeFirst) {
      this(failures, storeFirst, 0);
    }

    FailingEnds(int failures, boolean storeFirst, int chatter) {
      super(new InMemoryRoomHistory(1000, 3600));
      this.failures = new AtomicInteger(failures);
      this.storeFirst = storeFirst;
      this.chatter = chatter;
    }

    @Override
    public Future<JsonObject> endStream(String roomId, String event, JsonObject data) {
      attempts.incrementAndGet();
      if (failures.getAndDecrement() <= 0) {
        return inner.endStream(roomId, event, data);
      }
      Future<?> before = storeFirst ? inner.endStream(roomId, event, data) : Future.succeededFuture();
      for (int i = 0; i < chatter; i++) {
        JsonObject message = new JsonObject().put("text", "m" + i);
        before = before.compose(v -> inner.append(roomId, "message", message));
      }
      return before.compose(v -> Future.failedFuture(ErrorCode.UNAVAILABLE.exception("the store did not answer")));
    }
  }

  private static List<JsonObject> completes(FailingEnds history, String sessionId) throws Exception {
    return history.since(sessionId, 0, null).await(5, TimeUnit.SECONDS).events().stream()
      .filter(e -> CourseClient.COMPLETE.equals(e.getString("event"))).toList();
  }

  @Test
  @DisplayName("is tried again until the store takes it, then stored and published once; the caller is answered after the first try")
  void triedAgain(Vertx vertx) throws Exception {
    FailingEnds history = new FailingEnds(2, false);
    String sessionId = "course_1_retried";
    BusProbe probe = BusProbe.listen(vertx, Address.room(sessionId)).await(5, TimeUnit.SECONDS);
    SessionEvents events = new SessionEvents(vertx, history, sessionId, () -> false, event -> { });
    events.update(StreamMessage.log("started")).await(5, TimeUnit.SECONDS);

    events.complete(Outcome.failed("cancelled by ann").completeData(sessionId)).await(5, TimeUnit.SECONDS);
    assertThat(history.attempts.get()).as("answered after the first try").isOne();

    JsonObject published = probe.next(e -> CourseClient.COMPLETE.equals(e.getString("event"))).await(10, TimeUnit.SECONDS).body();
    assertThat(published.getLong("seq")).isEqualTo(2);
    assertThat(history.attempts.get()).isEqualTo(3);
    assertThat(completes(history, sessionId)).hasSize(1);
    assertThat(events.endedAlready().isComplete()).isFalse();
  }

  @Test
  @DisplayName("is not tried again once the node is stopping")
  void notWhileStopping(Vertx vertx) throws Exception {
    FailingEnds history = new FailingEnds(2, false);
    String sessionId = "course_1_stopping";
    SessionEvents events = new SessionEvents(vertx, history, sessionId, () -> true, event -> { });
    events.complete(Outcome.failed("the node running this job shut down").completeData(sessionId)).await(5, TimeUnit.SECONDS);
    events.flushed().await(5, TimeUnit.SECONDS);
    assertThat(history.attempts.get()).isOne();
    assertThat(completes(history, sessionId)).isEmpty();
  }

  @Test
  @DisplayName("whose write was made though its answer was lost is published as stored, not stored again")
  void madeThoughFailed(Vertx vertx) throws Exception {
    publishedOnceAsStored(vertx, "course_1_made", 0);
  }

  @Test
  @DisplayName("whose write was made though its answer was lost is published as stored however many messages the room got meanwhile")
  void madeThoughFailedInABusyRoom(Vertx vertx) throws Exception {
    publishedOnceAsStored(vertx, "course_1_busy", 300);
  }

  /** The end's first write is made, then {@code chatter} messages are stored, then its answer is lost. */
  private static void publishedOnceAsStored(Vertx vertx, String sessionId, int chatter) throws Exception {
    FailingEnds history = new FailingEnds(1, true, chatter);
    BusProbe probe = BusProbe.listen(vertx, Address.room(sessionId)).await(5, TimeUnit.SECONDS);
    SessionEvents events = new SessionEvents(vertx, history, sessionId, () -> false, event -> { });

    events.complete(Outcome.failed("cancelled by ann").completeData(sessionId)).await(10, TimeUnit.SECONDS);

    JsonObject published = probe.next(e -> CourseClient.COMPLETE.equals(e.getString("event"))).await(5, TimeUnit.SECONDS).body();
    assertThat(published.getLong("seq")).isEqualTo(1);
    assertThat(completes(history, sessionId)).hasSize(1);
    assertThat(probe.all(e -> CourseClient.COMPLETE.equals(e.getString("event")))).hasSize(1);
    assertThat(events.endedAlready().isComplete()).as("found, not taken as ended elsewhere").isFalse();
  }
}
