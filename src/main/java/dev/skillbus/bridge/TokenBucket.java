package dev.skillbus.bridge;

/**
 * A per-socket token bucket: {@code burst} frames at once, refilled at {@code perSecond}. Only
 * touched from the socket's event loop, so it needs no synchronisation.
 */
final class TokenBucket {

  private final double perNano;
  private final double burst;
  private double tokens;
  private long last;

  TokenBucket(int perSecond, int burst, long now) {
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.tokens = burst;
    this.last = now;
  }

  /** Takes one token at time {@code now} (nanos); false when the bucket is empty. */
  boolean tryTake(long now) {
    tokens = Math.min(burst, tokens + (now - last) * perNano);
    last = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
