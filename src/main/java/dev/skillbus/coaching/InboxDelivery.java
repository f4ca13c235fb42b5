package dev.skillbus.coaching;

import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.store.InboxStore;
import dev.skillbus.store.InboxStore.Taken;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a user's inbox to a writer, a batch at a time. Each batch is taken under a lease and written
 * in order, each message once the one before was written, up to the first that is not; then the
 * lease is acknowledged with how many were: those leave the store, the rest go back to the head of
 * the inbox. Then the next batch, under the lease that ack held the inbox for (no other delivery of
 * the user gets one in between), until the inbox is empty or a message was not written; it says
 * which, and when it found the inbox held by another delivery, for how long (see {@link
 * Notifications} for what follows). A message leaves the store only once it was written.
 *
 * <p>A take or an ack the store failed (it did not answer in time, or was down) is sent again, with
 * growing pauses, for as long as a lease begun at its first try would run: a take under the same
 * lease, so that one whose reply was lost gets its batch as soon as the store answers, rather than
 * after the lease. A batch whose take or ack never came back (the store failed every try, the node
 * died) is handed out again once its lease ran out, so it may arrive twice, never not at all.
 */
final class InboxDelivery {

  private static final Logger LOG = LoggerFactory.getLogger(InboxDelivery.class);

  /** Messages per batch: what one lease covers. */
  static final int BATCH = 8;
  /** Pauses before a failed take or ack is sent again: doubling from the first to the longest. */
  private static final long FIRST_RETRY_MS = 500;
  private static final long LONGEST_RETRY_MS = 4000;
  /** For {@link #deliver}'s {@code retrying}: no one waits for the delivery's first take. */
  static final Runnable NO_ONE_WAITS = () -> { };

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

  /**
   * Delivers the user's inbox through {@code write}; answers how that ended. Never fails. Runs
   * {@code retrying} when the store failed the first take, which is then sent again (see {@link
   * #tried}): whoever waits for the delivery only to order things after it need not wait out those
   * tries.
   */
  Future<Ended> deliver(String userId, Function<JsonObject, Future<Boolean>> write, Runnable retrying) {
    return take(userId, UUID.randomUUID().toString(), retrying)
      .compose(taken -> taken.held() ? Future.succeededFuture(new Ended(Why.HELD, taken.heldForMillis()))
        : deliverBatches(userId, taken, write))
      .recover(err -> {
        LOG.warn("Queued notifications of user {} not taken from the store: {}; they stay queued", userId, err.getMessage());
        return Future.succeededFuture(Ended.DONE);
      });
  }

  /** Writes a batch taken, acknowledges it, and goes on with the next until the inbox is empty or one stops. */
  private Future<Ended> deliverBatches(String userId, Taken taken, Function<JsonObject, Future<Boolean>> write) {
    if (taken.held()) {
      // Held again since the last batch: by another delivery, which goes on with what came meanwhile,
      // or by a take that ran late and whose batch no one writes; after that lease, this one looks.
      return Future.succeededFuture(new Ended(Why.HELD, taken.heldForMillis()));
    }
    if (taken.messages().isEmpty()) {
      return Future.succeededFuture(Ended.DONE);
    }
    return writeInOrder(taken.messages(), write, 0).compose(count -> {
      if (count < taken.messages().size()) {
        return ack(userId, taken, count, null).map(acked -> acked ? Ended.NOT_WRITTEN : Ended.NOT_ACKNOWLEDGED);
      }
      // All written: the ack holds the inbox for this delivery's next take, so that no other
      // connection of the user takes a batch in between. Whether or not its answer came back, that
      // take says what became of the inbox; when the store answers neither, others are handed it.
      String next = UUID.randomUUID().toString();
      return ack(userId, taken, count, next).compose(acked -> take(userId, next, NO_ONE_WAITS).transform(following -> {
        if (following.succeeded()) {
          return deliverBatches(userId, following.result(), write);
        }
        return acked ? Future.failedFuture(following.cause()) : Future.succeededFuture(Ended.NOT_ACKNOWLEDGED);
      }));
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
   * Takes the next batch under {@code lease}, sending the take again under that lease when the store
   * fails: a take that did arrive hands its batch to the second one.
   */
  private Future<Taken> take(String userId, String lease, Runnable retrying) {
    return tried(() -> inbox.take(userId, BATCH, leaseMillis, lease), retrying);
  }

  /**
   * Acknowledges a batch, holding the inbox for the lease {@code next} when given, again when the
   * store fails (an ack that did arrive makes a second one change nothing). Answers whether the
   * batch was the lease's still.
   */
  private Future<Boolean> ack(String userId, Taken taken, int delivered, String next) {
    return tried(() -> inbox.ack(userId, taken.lease(), delivered, next, leaseMillis), NO_ONE_WAITS).recover(err -> {
      LOG.warn("Queued notifications of user {} ({} of {} written) not acknowledged: {}; the batch is delivered again"
        + " once its lease ran out ({} ms)", userId, delivered, taken.messages().size(), err.getMessage(), leaseMillis);
      return Future.succeededFuture(false);
    });
  }

  /**
   * Calls the store, and again after a pause while it is unavailable (503: no answer in time, or
   * down; a refusal stays one), until a lease begun at the first call would have run out: by then a
   * batch that call took is handed out to anyone, so trying on gains nothing. Fails with the last
   * failure. {@code retrying} runs before the first pause.
   */
  private <T> Future<T> tried(Supplier<Future<T>> call, Runnable retrying) {
    long deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(leaseMillis);
    return call.get().recover(err -> {
      if (ErrorCode.of(err) != ErrorCode.UNAVAILABLE) {
        return Future.failedFuture(err);
      }
      retrying.run();
      return retried(call, deadlineNanos, FIRST_RETRY_MS, err);
    });
  }

  private <T> Future<T> retried(Supplier<Future<T>> call, long deadlineNanos, long pauseMillis, Throwable last) {
    if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pauseMillis) >= deadlineNanos) {
      return Future.failedFuture(last);
    }
    return vertx.timer(pauseMillis).compose(t -> call.get().recover(err -> ErrorCode.of(err) == ErrorCode.UNAVAILABLE
      ? retried(call, deadlineNanos, Math.min(2 * pauseMillis, LONGEST_RETRY_MS), err)
      : Future.failedFuture(err)));
  }
}
