package dev.skillbus.cluster;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this JVM was paused (a long garbage collection, a frozen VM, SIGSTOP) long enough that the
 * other nodes may have taken this one out of the cluster. A node that comes back from such a pause
 * sees every other node gone from its own view of the cluster, as if they had died, and on its own
 * it would clean up after them: end their course jobs, take their connections out of rooms. It was
 * this node that was cut off, not they: the others cleaned up after it already, and the two sides
 * merge again within minutes. So for {@link #QUARANTINE_NANOS} after such a pause, the node trusts
 * no departure it sees (see {@link #quarantined()}), and cleans up only after nodes still gone then.
 *
 * <p>A daemon thread looks every half second; a look that comes {@link #PAUSE_NANOS} or more late
 * means the JVM did not run meanwhile. Every node of a JVM shares {@link #jvm()}, as they share its
 * pauses.
 */
public final class Pauses {

  private static final Logger LOG = LoggerFactory.getLogger(Pauses.class);
  /** A pause this long may have cost the node its place in the cluster (Hazelcast gives up on a silent member after 60 s). */
  static final long PAUSE_NANOS = TimeUnit.SECONDS.toNanos(10);
  /** How long after such a pause departures are not trusted: longer than Hazelcast takes to merge the two sides again (5–7 minutes). */
  static final long QUARANTINE_NANOS = TimeUnit.MINUTES.toNanos(10);
  private static final long LOOK_EVERY_MS = 500;
  private static final Pauses JVM = watching();

  private final LongSupplier clock;
  private long lastLook;
  private long quarantineEnds;
  private boolean quarantine;

  Pauses(LongSupplier clock) {
    this.clock = clock;
    this.lastLook = clock.getAsLong();
  }

  /** The pauses of this JVM. */
  public static Pauses jvm() {
    return JVM;
  }

  private static Pauses watching() {
    Pauses pauses = new Pauses(System::nanoTime);
    Thread watcher = new Thread(() -> {
      while (true) {
        try {
          Thread.sleep(LOOK_EVERY_MS);
        } catch (InterruptedException e) {
          return;
        }
        pauses.look();
      }
    }, "skillbus-pause-watch");
    watcher.setDaemon(true);
    watcher.start();
    return pauses;
  }

  /** One look: a look this late starts a quarantine. */
  synchronized void look() {
    long now = clock.getAsLong();
    if (now - lastLook >= PAUSE_NANOS) {
      LOG.warn("This node was paused for {} s: other nodes may have taken it out of the cluster; departures it sees in"
        + " the next {} minutes are not trusted, so it cleans up after no node meanwhile", TimeUnit.NANOSECONDS.toSeconds(now - lastLook),
        TimeUnit.NANOSECONDS.toMinutes(QUARANTINE_NANOS));
      quarantine = true;
      quarantineEnds = now + QUARANTINE_NANOS;
    }
    lastLook = now;
  }

  /**
   * True while departures are not to be trusted: within {@link #QUARANTINE_NANOS} of a pause, or
   * in one now (the last look is overdue: the JVM has just come back, and the watcher not yet run).
   */
  public synchronized boolean quarantined() {
    long now = clock.getAsLong();
    if (now - lastLook >= PAUSE_NANOS) {
      return true;
    }
    if (quarantine && now - quarantineEnds >= 0) {
      quarantine = false;
      LOG.info("Departures are trusted again: the pause was {} minutes ago", TimeUnit.NANOSECONDS.toMinutes(QUARANTINE_NANOS));
    }
    return quarantine;
  }
}
