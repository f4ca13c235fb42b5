package dev.skillbus.course;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.store.InMemoryRoomHistory;
import dev.skillbus.store.RoomHistory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Forgetting ended course sessions")
class SessionExpiryTest {

  /** The in-memory history, counting the forgetIfIdle calls made of it. */
  static final class CountingHistory implements RoomHistory {
    final InMemoryRoomHistory inner = new InMemoryRoomHistory(100, 3600);
    final AtomicInteger forgetCalls = new AtomicInteger();

    @Override
    public Future<JsonObject> append(String roomId, String event, JsonObject data) {
      return inner.append(roomId, event, data);
    }

    @Override
    public Future<HistorySlice> position(String roomId) {
      return inner.position(roomId);
    }

    @Override
    public Future<HistorySlice> since(String roomId, long since, String epoch, Page page) {
      return inner.since(roomId, since, epoch, page);
    }

    @Override
    public Future<Void> forget(String roomId) {
      return inner.forget(roomId);
    }

    @Override
    public Future<Boolean> forgetIfIdle(String roomId, long idleMillis) {
      forgetCalls.incrementAndGet();
      return inner.forgetIfIdle(roomId, idleMillis);
    }
  }

  @Test
  @DisplayName("stops looking at a session whose room history is gone already (the idle-room sweep took it first)")
  void goneHistoryIsNotTrackedAgain(Vertx vertx) throws Exception {
    CountingHistory history = new CountingHistory();
    // A time to live of 0: every tracked session is due at the next sweep.
    SessionExpiry expiry = new SessionExpiry(vertx, history, 0);
    history.append("ended", "course_generation_complete", new JsonObject()).await(5, TimeUnit.SECONDS);
    expiry.track("ended");
    history.forget("ended").await(5, TimeUnit.SECONDS);
    for (int sweep = 0; sweep < 3; sweep++) {
      expiry.sweep().await(5, TimeUnit.SECONDS);
    }
    assertThat(history.forgetCalls.get()).isEqualTo(1);
  }

  @Test
  @DisplayName("forgets the history of a session idle for its time to live, once")
  void idleHistoryIsForgottenOnce(Vertx vertx) throws Exception {
    CountingHistory history = new CountingHistory();
    SessionExpiry expiry = new SessionExpiry(vertx, history, 0);
    history.append("ended", "course_generation_complete", new JsonObject()).await(5, TimeUnit.SECONDS);
    expiry.track("ended");
    for (int sweep = 0; sweep < 3; sweep++) {
      expiry.sweep().await(5, TimeUnit.SECONDS);
    }
    assertThat(history.forgetCalls.get()).isEqualTo(1);
    assertThat(history.position("ended").await(5, TimeUnit.SECONDS).seq()).isZero();
  }
}
