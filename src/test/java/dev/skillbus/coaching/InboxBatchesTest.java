package dev.skillbus.coaching;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.coaching.InboxDelivery.Ended;
import dev.skillbus.coaching.InboxDelivery.Why;
import dev.skillbus.store.InMemoryInbox;
import dev.skillbus.store.InboxStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("A delivery of an inbox, batch after batch")
class InboxBatchesTest {

  /** An in-memory inbox where another taker takes the next batch right after the first ack. */
  static final class TakenAfterTheAck implements InboxStore {
    final InMemoryInbox inner = new InMemoryInbox(4096, 100, 3600, 100, 1 << 20, Clock.systemUTC());

    @Override
    public Future<Void> push(String userId, JsonObject message) {
      return inner.push(userId, message);
    }

    @Override
    public Future<Taken> take(String userId, int max, long leaseMillis, String lease) {
      return inner.take(userId, max, leaseMillis, lease);
    }

    @Override
    public Future<Boolean> ack(String userId, String lease, int delivered) {
      return inner.ack(userId, lease, delivered)
        .compose(acked -> inner.take(userId, InboxDelivery.BATCH, 60_000, "another-taker").map(acked));
    }
  }

  @Test
  @DisplayName("that finds the inbox held when it goes on to the next batch says for how long, so that the connection looks again then")
  void nextBatchHeld(Vertx vertx) throws Exception {
    TakenAfterTheAck inbox = new TakenAfterTheAck();
    for (int i = 0; i < 2 * InboxDelivery.BATCH; i++) {
      inbox.push("ann", new JsonObject().put("n", i)).await(5, TimeUnit.SECONDS);
    }
    List<JsonObject> written = new ArrayList<>();
    Ended ended = new InboxDelivery(inbox, vertx, 1000).deliver("ann", message -> {
      written.add(message);
      return Future.succeededFuture(true);
    }).await(5, TimeUnit.SECONDS);

    assertThat(written).hasSize(InboxDelivery.BATCH);
    assertThat(ended.why()).isEqualTo(Why.HELD);
    assertThat(ended.heldForMillis()).isBetween(1L, 60_000L);
  }
}
