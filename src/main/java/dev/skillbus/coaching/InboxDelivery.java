package dev.skillbus.coaching;

import dev.skillbus.store.InboxStore;
import dev.skillbus.store.InboxStore.Taken;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a user's inbox to a writer, a batch at a time. Each batch is taken under a lease and written
 * in order, each message once the one before was written, up to the first that is not; then the
 * lease is acknowledged with how many were: those leave the store, the rest go back to the head of
 * the inbox. Then the next batch, until the inbox is empty or a message was not written; it says
 * which, and when it found the inbox held by another delivery, for how long (see {@link
 * Notifications} for what follows). A message
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

  /** How a delivery ended. */
  enum Why {
    /** Nothing is left, or the store did not answer (what it holds stays queued). */
    DONE,
    /** Nothing was taken: another delivery holds a batch of the inbox. */
    HELD,
    /** A message was not written: it and those after it are queued still. */
    NOT_WRITTEN,
    /** The store did not take the acknowledgement (a lost reply, a lease run out): some may be left. */
    NOT_ACKNOWLEDGED
  }

  /** How a delivery ended and, when {@link Why#HELD}, for how long (ms) the other delivery's lease still runs. */
  record Ended(Why why, long heldForMillis) {

    static final Ended DONE = new Ended(Why.DONE, 0);
    static final Ended NOT_WRITTEN = new Ended(Why.NOT_WRITTEN, 0);
    static final Ended NOT_ACKNOWLEDGED = new Ended(Why.NOT_ACKNOWLEDGED, 0);
  }

  /** Delivers the user's inbox through {@code write}; answers how that ended. Never fails. */
  Future<Ended> deliver(String userId, Function<JsonObject, Future<Boolean>> write) {
    return inbox.take(userId, BATCH, leaseMillis)
      .compose(taken -> taken.held() ? Future.succeededFuture(new Ended(Why.HELD, taken.heldForMillis()))
        : deliverBatches(userId, taken, write))
      .recover(err -> {
        LOG.warn("Queued notifications of user {} not taken from the store: {}; they stay queued", userId, err.getMessage());
        return Future.succeededFuture(Ended.DONE);
      });
  }

  /** Writes a batch taken, acknowledges it, and goes on with the next until the inbox is empty or one stops. */
  private Future<Ended> deliverBatches(String userId, Taken taken, Function<JsonObject, Future<Boolean>> write) {
    if (taken.messages().isEmpty()) {
      // Held again since the last batch: whoever holds it goes on with what came meanwhile.
      return Future.succeededFuture(Ended.DONE);
    }
    return writeInOrder(taken.messages(), write, 0).compose(count -> ack(userId, taken, count, 1).compose(acked -> {
      if (!acked) {
        return Future.succeededFuture(Ended.NOT_ACKNOWLEDGED);
      }
      if (count < taken.messages().size()) {
        return Future.succeededFuture(Ended.NOT_WRITTEN);
      }
      return inbox.take(userId, BATCH, leaseMillis).compose(next -> deliverBatches(userId, next, write));
    }));
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
