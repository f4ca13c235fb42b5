package dev.skillbus.course;

import dev.skillbus.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the course part tries a store write again that failed (a Redis timeout or failover): after
 * 100 ms, then twice as long each time, up to 5 s.
 */
final class Backoff {

  private static final Logger LOG = LoggerFactory.getLogger(Backoff.class);

  static final long FIRST_DELAY_MS = 100;
  static final long MAX_DELAY_MS = 5000;

  private Backoff() {
  }

  /** The pause before try {@code attempt + 1}, after {@code attempt} failed. */
  static long delay(int attempt) {
    return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS << Math.min(attempt - 1, 16));
  }

  /**
   * After try {@code attempt} of storing {@code what} failed with {@code failure}: logs it, and gives
   * what {@code again} gives once the pause for that attempt passed.
   */
  static <T> Future<T> retry(Vertx vertx, int attempt, String what, Throwable failure, Supplier<Future<T>> again) {
    long delayMs = delay(attempt);
    LOG.warn("Could not store {} (attempt {}), trying again in {} ms: {}", what, attempt, delayMs, failure.getMessage());
    return after(vertx, delayMs, again);
  }

  /**
   * Whether a store write that failed after {@code attempt} tries is tried again: a failure of the
   * store (503; a refusal, such as a value over the store's limit, stays one), before the last of
   * {@link SessionEvents#END_ATTEMPTS} tries, while the node runs.
   */
  static boolean triesAgain(Throwable failure, int attempt, boolean stopping) {
    return ErrorCode.of(failure) == ErrorCode.UNAVAILABLE && attempt < SessionEvents.END_ATTEMPTS && !stopping;
  }

  /** What {@code again} gives, once {@code delayMs} passed. */
  static <T> Future<T> after(Vertx vertx, long delayMs, Supplier<Future<T>> again) {
    Promise<T> retried = Promise.promise();
    vertx.setTimer(delayMs, id -> again.get().onComplete(retried));
    return retried.future();
  }
}
