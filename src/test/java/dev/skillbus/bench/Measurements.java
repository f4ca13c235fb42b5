package dev.skillbus.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What the connections observe, recorded from every event loop at once: join times, sends, and
 * deliveries with their latency (µs, HdrHistogram). A delivery counts when its send was due inside
 * the measured window and it arrives before {@link #stop()} (the end of the drain).
 */
final class Measurements {

  private static final long LATE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private final Mode mode;
  private final int size;
  private final int connections;
  private final Recorder latencyMicros = new Recorder(3);
  private final Recorder joinMicros = new Recorder(3);
  private final Recorder sendLagMicros = new Recorder(3);
  private final LongAdder sent = new LongAdder();
  private final LongAdder lateSends = new LongAdder();
  private final LongAdder delivered = new LongAdder();
  private final LongAdder selfDeliveries = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final LongAdder disconnects = new LongAdder();
  private volatile Schedule schedule;
  private volatile boolean counting = true;

  Measurements(Mode mode, int size, int connections) {
    this.mode = mode;
    this.size = size;
    this.connections = connections;
  }

  void start(Schedule schedule) {
    this.schedule = schedule;
  }

  /** Stops counting deliveries: what arrives later is lost. */
  void stop() {
    counting = false;
  }

  void joined(long nanos) {
    joinMicros.recordValue(TimeUnit.NANOSECONDS.toMicros(nanos));
  }

  /** A send due at {@code due} left at {@code now}. */
  void sent(long due, long now) {
    if (schedule.measured(due)) {
      sent.increment();
      sendLagMicros.recordValue(TimeUnit.NANOSECONDS.toMicros(now - due));
      if (now - due > LATE_NANOS) {
        lateSends.increment();
      }
    }
  }

  /** Message {@code seq} of connection {@code sender} arrived at {@code now}. */
  void received(int sender, long seq, long now) {
    Schedule current = schedule;
    if (current == null || !counting || sender < 0 || sender >= connections || !mode.sends(sender, size) || seq < 0) {
      return;
    }
    long due = current.due(mode.slot(sender, size), seq);
    if (current.measured(due) && due <= now) {
      delivered.increment();
      latencyMicros.recordValue(TimeUnit.NANOSECONDS.toMicros(now - due));
    }
  }

  void selfDelivery() {
    selfDeliveries.increment();
  }

  void error() {
    errors.increment();
  }

  void disconnect() {
    disconnects.increment();
  }

  Histogram latencies() {
    return latencyMicros.getIntervalHistogram();
  }

  Histogram joins() {
    return joinMicros.getIntervalHistogram();
  }

  /** How long after their due time the measured sends left. */
  Histogram sendLags() {
    return sendLagMicros.getIntervalHistogram();
  }

  long sent() {
    return sent.sum();
  }

  long expected() {
    return sent() * mode.fanout(size);
  }

  long delivered() {
    return delivered.sum();
  }

  long lateSends() {
    return lateSends.sum();
  }

  long selfDeliveries() {
    return selfDeliveries.sum();
  }

  long errors() {
    return errors.sum();
  }

  long disconnects() {
    return disconnects.sum();
  }
}
