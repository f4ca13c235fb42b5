package dev.skillbus.coaching;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.coaching.InboxDelivery.Ended;
import dev.skillbus.coaching.InboxDelivery.Why;
import dev.skillbus.protocol.ErrorCode;
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
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("A delivery of an inbox, batch after batch")
class InboxBatchesTest {

  /**
   * An in-memory inbox where another taker asks for a batch right after every ack. {@code
   * holdsForNext} false: the ack holds nothing for the delivery's next take, as once such a hold ran
   * out.
   */
  static final class AskedAfterEachAck implements InboxStore {
    final InMemoryInbox inner = new InMemoryInbox(4096, 100, 3600, 100, 1 << 20, Clock.systemUTC());
    final List<JsonObject> takenByAnother = new ArrayList<>();
    final boolean holdsForNext;

    AskedAfterEachAck(boolean holdsForNext) {
      this.holdsForNext = holdsForNext;
    }

    @Override
    public Future<Void> push(String userId, JsonObject message) {
      return inner.push(userId, message);
    }

    @Override
    public Future<Behind> pushBehind(String userId, JsonObject message) {
      return inner.pushBehind(userId, message);
    }

    @Override
    public Future<Taken> take(String userId, int max, long leaseMillis, String lease) {
      return inner.take(userId, max, leaseMillis, lease);
    }

    @Override
    public Future<Boolean> ack(String userId, String lease, int delivered, String next, long leaseMillis) {
      return (holdsForNext ? inner.ack(userId, lease, delivered, next, leaseMillis) : inner.ack(userId, lease, delivered))
        .compose(acked -> inner.take(userId, InboxDelivery.BATCH, 60_000, "another-taker").map(taken -> {
          takenByAnother.addAll(taken.messages());
          return acked;
        }));
    }
  }

  /** An in-memory inbox whose store stops answering (503) once the first batch was taken. */
  static final class GoneAfterTheFirstTake implements InboxStore {
    final InMemoryInbox inner = new InMemoryInbox(4096, 100, 3600, 100, 1 << 20, Clock.systemUTC());
    int takes;

    @Override
    public Future<Void> push(String userId, JsonObject message) {
      return inner.push(userId, message);
    }

    @Override
    public Future<Behind> pushBehind(String userId, JsonObject message) {
      return inner.pushBehind(userId, message);
    }

    @Override
    public Future<Taken> take(String userId, int max, long leaseMillis, String lease) {
      return ++takes == 1 ? inner.take(userId, max, leaseMillis, lease) : gone();
    }

    @Override
    public Future<Boolean> ack(String userId, String lease, int delivered, String next, long leaseMillis) {
      return gone();
    }

    static <T> Future<T> gone() {
      return Future.failedFuture(ErrorCode.UNAVAILABLE.exception("store down"));
    }
  }

  @Test
  @DisplayName("whose store answers neither the ack of a whole batch nor the take after it says so, so that the user's other connections are handed the inbox")
  void storeGoneAfterABatch(Vertx vertx) throws Exception {
    GoneAfterTheFirstTake inbox = new GoneAfterTheFirstTake();
    for (int i = 0; i < 2 * InboxDelivery.BATCH; i++) {
      inbox.push("ann", new JsonObject().put("n", i)).await(5, TimeUnit.SECONDS);
    }
    List<JsonObject> written = new ArrayList<>();
    Ended ended = new InboxDelivery(inbox, vertx, 100).deliver("ann", message -> {
      written.add(message);
      return Future.succeededFuture(true);
    }, InboxDelivery.NO_ONE_WAITS).await(10, TimeUnit.SECONDS);

    assertThat(written).hasSize(InboxDelivery.BATCH);
    assertThat(ended.why()).isEqualTo(Why.NOT_ACKNOWLEDGED);
  }

  /** Queues {@code count} messages for ann and delivers them, each write succeeding; how that ended. */
  static Ended deliver(Vertx vertx, AskedAfterEachAck inbox, int count, List<JsonObject> written) throws Exception {
    for (int i = 0; i < count; i++) {
      inbox.push("ann", new JsonObject().put("n", i)).await(5, TimeUnit.SECONDS);
    }
    return new InboxDelivery(inbox, vertx, 1000).deliver("ann", message -> {
      written.add(message);
      return Future.succeededFuture(true);
    }, InboxDelivery.NO_ONE_WAITS).await(5, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("keeps the inbox between its batches: another connection asking right after each ack gets nothing, and this one gets every message, in order")
  void keepsTheInboxBetweenBatches(Vertx vertx) throws Exception {
    AskedAfterEachAck inbox = new AskedAfterEachAck(true);
    List<JsonObject> written = new ArrayList<>();
    Ended ended = deliver(vertx, inbox, 3 * InboxDelivery.BATCH, written);

    assertThat(ended.why()).isEqualTo(Why.DONE);
    assertThat(written.stream().map(m -> m.getInteger("n")).toList())
      .isEqualTo(IntStream.range(0, 3 * InboxDelivery.BATCH).boxed().toList());
    assertThat(inbox.takenByAnother).isEmpty();
  }

  @Test
  @DisplayName("that finds the inbox held when it goes on to the next batch says for how long, so that the connection looks again then")
  void nextBatchHeld(Vertx vertx) throws Exception {
    List<JsonObject> written = new ArrayList<>();
    Ended ended = deliver(vertx, new AskedAfterEachAck(false), 2 * InboxDelivery.BATCH, written);

    assertThat(written).hasSize(InboxDelivery.BATCH);
    assertThat(ended.why()).isEqualTo(Why.HELD);
    assertThat(ended.heldForMillis()).isBetween(1L, 60_000L);
  }
}
