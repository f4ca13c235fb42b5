package dev.skillbus.bench;

import java.util.concurrent.TimeUnit;

/**
 * An open-loop sender: sends message {@code q} when the {@link Schedule} says, never waiting for a
 * reply or a delivery. A sender that wakes up late sends everything already due at once (catching
 * up) rather than skipping or shifting its schedule; {@link Measurements#sent} counts how late.
 * Runs on its connection's context, with nanosecond timers.
 */
final class Sender {

  private final BenchClient client;
  private final Mode mode;
  private final int slot;
  private final Schedule schedule;
  private final Measurements measurements;
  private long seq;

  Sender(BenchClient client, Mode mode, int slot, Schedule schedule, Measurements measurements) {
    this.client = client;
    this.mode = mode;
    this.slot = slot;
    this.schedule = schedule;
    this.measurements = measurements;
  }

  void start() {
    client.context().runOnContext(v -> sendDue());
  }

  private void sendDue() {
    long due = schedule.due(slot, seq);
    long now = System.nanoTime();
    while (schedule.scheduled(due) && due <= now) {
      client.send(mode, seq);
      measurements.sent(due, now);
      due = schedule.due(slot, ++seq);
      now = System.nanoTime();
    }
    if (schedule.scheduled(due)) {
      client.context().owner().timer(due - now, TimeUnit.NANOSECONDS).onSuccess(v -> sendDue());
    }
  }
}
