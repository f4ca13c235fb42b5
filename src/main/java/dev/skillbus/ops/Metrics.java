package dev.skillbus.ops;

import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.store.CommandTimer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One node's meters, in a Prometheus registry of its own: Vert.x's (event bus, HTTP, pools, JVM),
 * recorded there when the node's Vert.x is built with {@link #registry()}, and skillbus's, which
 * the parts count through the methods below (every one of them thread-safe and cheap: no lookup
 * or allocation on the per-frame path). A part gets the node's instance at construction. Other
 * counters: {@code registry().counter("skillbus.<what>", tags…)}, named like the ones here.
 */
public final class Metrics {

  /** Event names beyond this many are counted as {@link #OTHER_EVENTS}: labels must stay few. */
  static final int MAX_EVENT_NAMES = 200;
  static final String OTHER_EVENTS = "other";

  private final PrometheusMeterRegistry registry;
  private final LongAdder framesIn = new LongAdder();
  private final LongAdder framesOut = new LongAdder();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger rooms = new AtomicInteger();
  private final Counter opened;
  private final Map<String, Counter> events = new ConcurrentHashMap<>();
  private final Map<ErrorCode, Counter> refused = new ConcurrentHashMap<>();
  private final Timer storeSucceeded;
  private final Timer storeFailed;

  private Metrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
    FunctionCounter.builder("skillbus.messages.in", framesIn, LongAdder::sum)
      .description("Bridge frames received from clients").register(registry);
    FunctionCounter.builder("skillbus.messages.out", framesOut, LongAdder::sum)
      .description("Bridge frames written to clients").register(registry);
    Gauge.builder("skillbus.connections", connections, AtomicInteger::get)
      .description("Open bridge connections").register(registry);
    Gauge.builder("skillbus.rooms", rooms, AtomicInteger::get)
      .description("Rooms with a member connected to this node").register(registry);
    opened = Counter.builder("skillbus.connections.opened").description("Bridge connections opened").register(registry);
    storeSucceeded = storeTimer("ok");
    storeFailed = storeTimer("error");
  }

  /** A node's meters, in a registry of their own. */
  public static Metrics create() {
    return new Metrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  private Timer storeTimer(String outcome) {
    return Timer.builder("skillbus.store.commands").description("Redis commands, by outcome")
      .tag("outcome", outcome).register(registry);
  }

  /** The registry, for Vert.x's metrics and for counters of a part's own. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Every meter of this node, as Prometheus text. */
  public String scrape() {
    return registry.scrape();
  }

  public void connectionOpened() {
    opened.increment();
    connections.incrementAndGet();
  }

  public void connectionClosed() {
    connections.decrementAndGet();
  }

  /** A frame received from a client (on the bridge's event loop). */
  public void frameIn() {
    framesIn.increment();
  }

  /** A frame written to a client (on the bridge's event loop). */
  public void frameOut() {
    framesOut.increment();
  }

  /** A frame the bridge refused, by its code. */
  public void refused(ErrorCode code) {
    refused.computeIfAbsent(code, c -> Counter.builder("skillbus.refused.frames")
      .description("Bridge frames refused, by failure code").tag("code", String.valueOf(c.code())).register(registry))
      .increment();
  }

  /** An event published to a room or a user, by name. */
  public void event(String name) {
    Counter counter = events.get(name);
    if (counter == null) {
      String label = events.size() < MAX_EVENT_NAMES ? name : OTHER_EVENTS;
      counter = events.computeIfAbsent(label, n -> Counter.builder("skillbus.events")
        .description("Events published to rooms and users, by name").tag("event", n).register(registry));
    }
    counter.increment();
  }

  /** A course-generation job reached {@code status} (queued, running, completed, failed, cancelled…). */
  public void generationJob(String status) {
    registry.counter("skillbus.generation.jobs", "status", status).increment();
  }

  /**
   * A repair of the cluster's shared state done by this node: {@code departed_node_rooms} and
   * {@code departed_node_jobs} (the rooms or course jobs of a node that left, cleaned up),
   * {@code restored_connection} (one of its connections written back into a room's state),
   * {@code removed_connection} (an entry for a connection it no longer holds, taken out of a room's
   * state: its leave had failed).
   */
  public void clusterRepair(String kind) {
    registry.counter("skillbus.cluster.repairs", "kind", kind).increment();
  }

  /** The number of rooms with a member on this node, told by the session part when it changes. */
  public void roomsOnNode(int count) {
    rooms.set(count);
  }

  /** Times the store's Redis commands. */
  public CommandTimer storeCommands() {
    return (nanos, succeeded) -> (succeeded ? storeSucceeded : storeFailed).record(nanos, TimeUnit.NANOSECONDS);
  }

  int connections() {
    return connections.get();
  }

  int rooms() {
    return rooms.get();
  }

  long framesIn() {
    return framesIn.sum();
  }

  long framesOut() {
    return framesOut.sum();
  }

  /** Events published so far, by name, sorted. */
  Map<String, Long> eventCounts() {
    Map<String, Long> counts = new TreeMap<>();
    events.forEach((name, counter) -> counts.put(name, (long) counter.count()));
    return counts;
  }

  /** Frames refused so far, by code. */
  Map<String, Long> refusedCounts() {
    Map<String, Long> counts = new TreeMap<>();
    refused.forEach((code, counter) -> counts.put(String.valueOf(code.code()), (long) counter.count()));
    return counts;
  }
}
