package dev.skillbus.cluster;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this JVM was paused (a long garbage collection, a frozen VM, SIGSTOP) long enough that the
 * other nodes may have taken this one out of the cluster. A node that comes back from such a pause
 * sees the other nodes go from its own view of the cluster, as if they had died, and on its own it
 * would clean up after them: end their course jobs, take their connections out of rooms. It was
 * this node that was cut off, not they: the others cleaned up after it already, and the two sides
 * merge again. So a departure this node sees within {@link #RESUME_WINDOW_NANOS} of coming back
 * from such a pause is not trusted: that node is taken for alive until the two sides merged
 * ({@link #merged()}), or for {@link #DISTRUST_NANOS} at most, after which a node still gone is
 * cleaned up after. Departures seen later are trusted as ever: a pause that cost nothing (shorter
 * than Hazelcast's heartbeat timeout, say) holds up no cleanup.
 *
 * <p>A daemon thread looks every half second; a look that comes {@link #PAUSE_NANOS} or more late
 * means the JVM did not run meanwhile. The clock is the larger of the monotonic and the wall
 * clock's progress: a whole VM frozen by its host may not advance the first. Every node of a JVM
 * shares {@link #jvm()}, as they share its pauses.
 */
public final class Pauses {

  private static final Logger LOG = LoggerFactory.getLogger(Pauses.class);
  /** A pause this long may cost the node its place in the cluster (Hazelcast gives up on a silent member after 60 s). */
  static final long PAUSE_NANOS = TimeUnit.SECONDS.toNanos(30);
  /** How long after coming back departures are not trusted: those the pause caused are seen within seconds. */
  static final long RESUME_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(20);
  /** How long a node whose departure was not trusted is taken for alive, unless the sides merge sooner. */
  static final long DISTRUST_NANOS = TimeUnit.MINUTES.toNanos(10);
  private static final long LOOK_EVERY_MS = 500;
  private static final Pauses JVM = watching();

  private final LongSupplier clock;
  private long lastLook;
  private boolean resumed;
  private long resumedAt;
  /** Nodes whose departure was not trusted, with when that ends. */
  private final Map<String, Long> distrusted = new HashMap<>();

  Pauses(LongSupplier clock) {
    this.clock = clock;
    this.lastLook = clock.getAsLong();
  }

  /** The pauses of this JVM. */
  public static Pauses jvm() {
    return JVM;
  }

  private static Pauses watching() {
    long nanoBase = System.nanoTime();
    long millisBase = System.currentTimeMillis();
    Pauses pauses = new Pauses(() -> Math.max(System.nanoTime() - nanoBase,
      TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis() - millisBase)));
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

  /** One look: a look this late means a pause. */
  synchronized void look() {
    long now = clock.getAsLong();
    if (now - lastLook >= PAUSE_NANOS) {
      LOG.warn("This node was paused for {} s: other nodes may have taken it out of the cluster; a node that leaves"
        + " this node's view in the next {} s is taken for alive until the two sides merge (at most {} minutes)",
        TimeUnit.NANOSECONDS.toSeconds(now - lastLook), TimeUnit.NANOSECONDS.toSeconds(RESUME_WINDOW_NANOS),
        TimeUnit.NANOSECONDS.toMinutes(DISTRUST_NANOS));
      resumed = true;
      resumedAt = now;
    }
    lastLook = now;
  }

  /**
   * Whether the departure of {@code nodeId} from this node's view is to be believed: not when it
   * comes right after a pause (or during one: the watcher has not looked yet), and then not until
   * the sides merged or {@link #DISTRUST_NANOS} passed.
   */
  public synchronized boolean trustsDeparture(String nodeId) {
    long now = clock.getAsLong();
    if (now - lastLook >= PAUSE_NANOS || resumed && now - resumedAt < RESUME_WINDOW_NANOS) {
      distrusted.putIfAbsent(nodeId, now + DISTRUST_NANOS);
      return false;
    }
    Long until = distrusted.get(nodeId);
    if (until == null) {
      return true;
    }
    if (now - until >= 0) {
      distrusted.remove(nodeId);
      LOG.info("Node {} is still gone {} minutes after this node's pause: its departure is trusted now", nodeId,
        TimeUnit.NANOSECONDS.toMinutes(DISTRUST_NANOS));
      return true;
    }
    return false;
  }

  /**
   * Whether this node is likely cut off from the rest of its cluster: it saw nodes leave right after
   * a pause, and their departures are still doubted (the sides have not merged, and it is less than
   * {@link #DISTRUST_NANOS} since). Its health says DEGRADED meanwhile: its rooms and events are
   * apart from the other side's.
   */
  public synchronized boolean cutOff() {
    long now = clock.getAsLong();
    return distrusted.values().stream().anyMatch(until -> now - until < 0);
  }

  /** The two sides of the cluster merged again: what this node sees is the cluster's view again. */
  public synchronized void merged() {
    distrusted.clear();
  }
}
