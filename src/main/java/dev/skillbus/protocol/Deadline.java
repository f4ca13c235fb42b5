package dev.skillbus.protocol;

import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.util.function.LongSupplier;

/**
 * When the caller of a request stops waiting for its answer (and tells its client 503, "send it
 * again"), in cluster time: the bridge and the REST API stamp it on the requests any node may serve,
 * so that a service that gets one late (its node was paused, the cluster stalled) does not start
 * what its caller was told did not start. Cluster time (Hazelcast's, the same on every node within
 * milliseconds) rather than each node's clock: a node whose clock is off would otherwise take every
 * request as late, or none. A request without the header (sent inside the node) has no deadline.
 */
public final class Deadline {

  /** The most a service keeps back for its answer to travel back before the deadline. */
  private static final long MAX_MARGIN_MS = 250;
  private static final Deadline NONE = new Deadline(Long.MAX_VALUE, 0, () -> 0);

  private final long at;
  private final long margin;
  private final LongSupplier clock;

  private Deadline(long at, long margin, LongSupplier clock) {
    this.at = at;
    this.margin = margin;
    this.clock = clock;
  }

  /** Stamps the deadline of a request sent now with {@code timeoutMs}. */
  public static DeliveryOptions stamp(DeliveryOptions options, LongSupplier clock, long timeoutMs) {
    return options.addHeader(Header.DEADLINE, Long.toString(clock.getAsLong() + timeoutMs));
  }

  /**
   * The deadline of {@code message}; its margin is a quarter of the time left when it arrives, at
   * most {@link #MAX_MARGIN_MS}.
   */
  public static Deadline of(Message<?> message, LongSupplier clock) {
    String header = message.headers().get(Header.DEADLINE);
    if (header == null) {
      return NONE;
    }
    long at;
    try {
      at = Long.parseLong(header);
    } catch (NumberFormatException e) {
      return NONE;
    }
    return new Deadline(at, Math.min(MAX_MARGIN_MS, Math.max(0, at - clock.getAsLong()) / 4), clock);
  }

  /** Whether the caller may still be waiting, with time for the answer to reach it. */
  public boolean open() {
    return clock.getAsLong() < at - margin;
  }

  /** A 503 when the caller gave up, or is about to: nothing is done, as it was told. */
  public void check(String what) {
    if (!open()) {
      throw late(what);
    }
  }

  /** The failure of a request that comes too late to {@code what}. */
  public static ProtocolException late(String what) {
    return ErrorCode.UNAVAILABLE.exception("the request came too late to " + what + ": nothing was done; send it again");
  }
}
