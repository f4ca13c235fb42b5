package dev.skillbus.bridge;

/**
 * Counts a socket's refused frames in a sliding ten-second window; a socket that keeps sending
 * what is refused (flooding past its rate, garbage) is closed rather than served forever.
 */
final class Refusals {

  private static final long WINDOW_NANOS = 10_000_000_000L;

  private final int limit;
  private long windowStart = System.nanoTime();
  private int count;

  Refusals(int limit) {
    this.limit = limit;
  }

  /** Counts one refusal at {@code now}; true when the socket went over its limit. */
  boolean countAndCheck(long now) {
    if (now - windowStart > WINDOW_NANOS) {
      windowStart = now;
      count = 0;
    }
    return ++count > limit;
  }
}
