package dev.skillbus.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.protocol.ErrorCode;
import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;

/** Waiting on store futures from a test thread, and checking the code a store refused with. */
final class StoreAssertions {

  private StoreAssertions() {
  }

  static <T> T await(Future<T> future) {
    try {
      return future.await(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("store operation failed", e);
    }
  }

  /** Asserts the operation failed with {@code code}. */
  static void assertRefused(Future<?> operation, ErrorCode code) {
    Throwable failure = await(operation.transform(ar -> Future.succeededFuture(ar.cause())));
    assertThat(failure).as("refusal").isNotNull();
    assertThat(ErrorCode.of(failure)).isEqualTo(code);
  }
}
