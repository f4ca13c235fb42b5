package dev.skillbus.bench;

/**
 * When each send is due, on the {@link System#nanoTime()} clock. Sender {@code k} (its place in the
 * list of senders) sends its message {@code q} at {@code t0 + q·period + phase(k)}, the phases
 * spread over one period in hundredths as loadgen.js does. A send's due time follows from (sender,
 * seq) alone, so a receiver finds it from the payload without a table, and latency counts from
 * when the message should have left, not from when a busy generator got round to it.
 */
record Schedule(long t0, double periodNanos, long windowStart, long windowEnd) {

  static Schedule startingNow(double rate, double warmupSeconds, double durationSeconds) {
    long t0 = System.nanoTime();
    long windowStart = t0 + seconds(warmupSeconds);
    return new Schedule(t0, 1e9 / rate, windowStart, windowStart + seconds(durationSeconds));
  }

  static long seconds(double seconds) {
    return Math.round(seconds * 1e9);
  }

  long due(int slot, long seq) {
    return t0 + Math.round(seq * periodNanos + (slot % 100) * periodNanos / 100);
  }

  /** Whether a send due at {@code due} belongs to the measured window. */
  boolean measured(long due) {
    return due >= windowStart && due < windowEnd;
  }

  /** Whether a send due at {@code due} is sent at all: senders stop at the end of the window. */
  boolean scheduled(long due) {
    return due < windowEnd;
  }
}
