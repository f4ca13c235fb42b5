package dev.skillbus.ops;

/**
 * Frames in and out per second over the last ten seconds, from a sample of the totals taken every
 * second. Sampled and read on the operations verticle's event loop only.
 */
final class RateWindow {

  private static final int SAMPLES = 11;

  private final long[] at = new long[SAMPLES];
  private final long[] in = new long[SAMPLES];
  private final long[] out = new long[SAMPLES];
  private int newest = -1;
  private int count;

  /** Records the totals at {@code nanos} (System.nanoTime). */
  void sample(long nanos, long framesIn, long framesOut) {
    newest = (newest + 1) % SAMPLES;
    at[newest] = nanos;
    in[newest] = framesIn;
    out[newest] = framesOut;
    count = Math.min(count + 1, SAMPLES);
  }

  double inPerSecond() {
    return rate(in);
  }

  double outPerSecond() {
    return rate(out);
  }

  private double rate(long[] totals) {
    if (count < 2) {
      return 0;
    }
    int oldest = (newest - count + 1 + SAMPLES) % SAMPLES;
    double seconds = (at[newest] - at[oldest]) / 1e9;
    return seconds <= 0 ? 0 : Math.round((totals[newest] - totals[oldest]) / seconds * 100) / 100.0;
  }
}
