package dev.skillbus.course;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.store.InMemoryRoomHistory;
import dev.skillbus.testing.ForwardingHistory;
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
  static final class CountingHistory extends ForwardingHistory {
    final AtomicInteger forgetCalls = new AtomicInteger();

    CountingHistory() {
      super(new InMemoryRoomHistory(100, 3600));
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
