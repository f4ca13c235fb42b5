package dev.skillbus.coaching;

import dev.skillbus.store.InboxStore;
import dev.skillbus.store.InboxStore.Taken;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a user's inbox to a writer, a batch at a time. Each batch is taken under a lease and written
 * in order, each message once the one before was written, up to the first that is not; then the
 * lease is acknowledged with how many were: those leave the store, the rest go back to the head of
 * the inbox. Then the next batch, until the inbox is empty or a message was not written. A message
 * leaves the store only once it was written; a batch whose take or ack did not come back (the store
 * did not answer in time, the node died) is handed out again once its lease ran out, so it may
 * arrive twice, never not at all.
 */
final class InboxDelivery {

  private static final Logger LOG = LoggerFactory.getLogger(InboxDelivery.class);

  /** Messages per batch: what one lease covers. */
  static final int BATCH = 8;
  private static final int ACK_ATTEMPTS = 3;
  private static final long ACK_RETRY_MS = 500;

  private final InboxStore inbox;
  private final Vertx vertx;
  private final long leaseMillis;

  /** Each write of {@code write} takes at most {@code writeTimeoutMs}: a lease outlasts a batch of them. */
  InboxDelivery(InboxStore inbox, Vertx vertx, long writeTimeoutMs) {
    this.inbox = inbox;
    this.vertx = vertx;
    this.leaseMillis = (BATCH + 2) * writeTimeoutMs;
  }

  /** Delivers the user's inbox through {@code write}; answers the messages written. Never fails. */
  Future<List<JsonObject>> deliver(String userId, Function<JsonObject, Future<Boolean>> write) {
    List<JsonObject> written = new ArrayList<>();
    return nextBatch(userId, write, written)
      .recover(err -> {
        LOG.warn("Queued notifications of user {} not taken from the store: {}; they stay queued", userId, err.getMessage());
        return Future.succeededFuture();
      })
      .map(written);
  }

  private Future<Void> nextBatch(String userId, Function<JsonObject, Future<Boolean>> write, List<JsonObject> written) {
    return inbox.take(userId, BATCH, leaseMillis).compose(taken -> {
      if (taken.messages().isEmpty()) {
        return Future.succeededFuture();
      }
      return writeInOrder(taken.messages(), write, 0).compose(count -> {
        written.addAll(taken.messages().subList(0, count));
        return ack(userId, taken, count, 1).compose(acked -> acked && count == taken.messages().size()
          ? nextBatch(userId, write, written) : Future.succeededFuture());
      });
    });
  }

  /** Writes from {@code from} on, each after the one before was; answers how many were written before one was not. */
  private static Future<Integer> writeInOrder(List<JsonObject> messages, Function<JsonObject, Future<Boolean>> write,
                                              int from) {
    if (from == messages.size()) {
      return Future.succeededFuture(from);
    }
    return write.apply(messages.get(from)).otherwise(false)
      .compose(written -> written ? writeInOrder(messages, write, from + 1) : Future.succeededFuture(from));
  }

  /**
   * Acknowledges a batch, again a little later when the store fails (an ack that did arrive makes a
   * second one change nothing). Answers whether the batch was the lease's still.
   */
  private Future<Boolean> ack(String userId, Taken taken, int delivered, int attempt) {
    return inbox.ack(userId, taken.lease(), delivered).recover(err -> {
      if (attempt < ACK_ATTEMPTS) {
        return vertx.timer(attempt * ACK_RETRY_MS).compose(t -> ack(userId, taken, delivered, attempt + 1));
      }
      LOG.warn("Queued notifications of user {} ({} of {} written) not acknowledged: {}; the batch is delivered again"
        + " once its lease ran out ({} ms)", userId, delivered, taken.messages().size(), err.getMessage(), leaseMillis);
      return Future.succeededFuture(false);
    });
  }
}
