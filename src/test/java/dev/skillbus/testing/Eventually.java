package dev.skillbus.testing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * Waits for a condition that no event announces (a timer-driven sweep, say) by checking it every
 * {@code pollMillis} until it holds or {@code timeoutMillis} passed. The wait is bounded by the
 * condition, not by a guessed sleep.
 */
public final class Eventually {

  private Eventually() {
  }

  /** Succeeds once {@code check} yields true; fails when it has not within the timeout. */
  public static Future<Void> holds(Vertx vertx, long pollMillis, long timeoutMillis, Supplier<Future<Boolean>> check) {
    Promise<Void> promise = Promise.promise();
    long deadline = System.currentTimeMillis() + timeoutMillis;
    poll(vertx, pollMillis, deadline, check, promise);
    return promise.future();
  }

  private static void poll(Vertx vertx, long pollMillis, long deadline, Supplier<Future<Boolean>> check,
                           Promise<Void> promise) {
    check.get().onComplete(ar -> {
      if (ar.succeeded() && ar.result()) {
        promise.complete();
      } else if (System.currentTimeMillis() > deadline) {
        promise.fail(new AssertionError("condition did not hold in time", ar.cause()));
      } else {
        vertx.setTimer(pollMillis, id -> poll(vertx, pollMillis, deadline, check, promise));
      }
    });
  }
}
