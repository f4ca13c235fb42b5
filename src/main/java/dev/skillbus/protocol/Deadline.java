package dev.skillbus.protocol;

import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;

/**
 * When the caller of a request stops waiting for its answer (and tells its client 503, "send it
 * again"): the bridge and the REST API stamp it on the requests any node may serve, so that a
 * service that gets one late (its node was paused, the cluster stalled) does not start what its
 * caller was told did not start. It is read in each node's own clock, which therefore must be in
 * step with the others' (NTP), well within the request timeout: Hazelcast's cluster time cannot
 * serve, as a member that was paused takes the pause for a jump of its clock and sets its cluster
 * time back by as much, until the next heartbeat of the oldest member (seconds later), just when
 * the requests that waited for it are read. A request without the header (sent inside the node)
 * has no deadline.
 */
public final class Deadline {

  /** The most a service keeps back for its answer to travel back before the deadline. */
  private static final long MAX_MARGIN_MS = 250;
  private static final Deadline NONE = new Deadline(Long.MAX_VALUE, 0);

  private final long at;
  private final long margin;

  private Deadline(long at, long margin) {
    this.at = at;
    this.margin = margin;
  }

  /**
   * Stamps the deadline of a request sent now with {@code timeoutMs}: {@code <when>;<timeoutMs>}, in
   * milliseconds since the epoch and in milliseconds.
   */
  public static DeliveryOptions stamp(DeliveryOptions options, long timeoutMs) {
    return options.addHeader(Header.DEADLINE, (System.currentTimeMillis() + timeoutMs) + ";" + timeoutMs);
  }

  /**
   * The deadline of {@code message}; its margin is a quarter of the time its caller gave it, at
   * most {@link #MAX_MARGIN_MS}: one that arrives with less left than that is refused too.
   */
  public static Deadline of(Message<?> message) {
    String header = message.headers().get(Header.DEADLINE);
    int split = header == null ? -1 : header.indexOf(';');
    if (split < 0) {
      return NONE;
    }
    try {
      long at = Long.parseLong(header.substring(0, split));
      long timeoutMs = Long.parseLong(header.substring(split + 1));
      return new Deadline(at, Math.min(MAX_MARGIN_MS, Math.max(0, timeoutMs) / 4));
    } catch (NumberFormatException e) {
      return NONE;
    }
  }

  /** Whether the caller may still be waiting, with time for the answer to reach it. */
  public boolean open() {
    return System.currentTimeMillis() < at - margin;
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
