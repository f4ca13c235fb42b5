package dev.skillbus.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The load tool's counting, on a schedule of its own: 10 sends a second, measured from 1 s to 2 s. */
@DisplayName("The load tool's measurements")
class MeasurementsTest {

  static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  static final Schedule SCHEDULE = new Schedule(0, 100 * MS, 1_000 * MS, 2_000 * MS);

  static Measurements started(Mode mode, int size, int connections) {
    Measurements measurements = new Measurements(mode, size, connections);
    measurements.start(SCHEDULE);
    return measurements;
  }

  @Test
  @DisplayName("count latency from when a message was due to leave, not from when a late sender sent it")
  void latencyFromDueTime() {
    Measurements measurements = started(Mode.CURSOR, 3, 3);
    long due = SCHEDULE.due(1, 12);

    measurements.sent(due, due + 50 * MS);
    measurements.received(1, 12, due + 60 * MS);

    assertThat(measurements.latencies().getMaxValue()).isBetween(59_900L, 60_100L);
    assertThat(measurements.sendLags().getMaxValue()).isBetween(49_900L, 50_100L);
    assertThat(measurements.lateSends()).isEqualTo(1);
  }

  @Test
  @DisplayName("count only the sends due inside the window, and only their deliveries")
  void onlyTheWindow() {
    Measurements measurements = started(Mode.CURSOR, 3, 3);
    // Sender 0's phase is 0: seq 10 is due at 1 s, when the window opens; seq 20 at 2 s, when it closes.
    for (long seq = 9; seq <= 20; seq++) {
      long due = SCHEDULE.due(0, seq);
      measurements.sent(due, due);
      measurements.received(0, seq, due + MS);
      measurements.received(0, seq, due + 2 * MS);
    }

    assertThat(measurements.sent()).isEqualTo(10);
    assertThat(measurements.expected()).isEqualTo(10 * 2);
    assertThat(measurements.delivered()).isEqualTo(10 * 2);
    assertThat(measurements.latencies().getTotalCount()).isEqualTo(10 * 2);
  }

  @Test
  @DisplayName("expect the other members to receive a cursor and every member, the sender too, a chat message")
  void fanOut() {
    Measurements cursor = started(Mode.CURSOR, 30, 60);
    Measurements chat = started(Mode.CHAT, 30, 60);
    long due = SCHEDULE.due(0, 15);

    cursor.sent(due, due);
    chat.sent(due, due);

    assertThat(cursor.expected()).isEqualTo(29);
    assertThat(chat.expected()).isEqualTo(30);
  }

  @Test
  @DisplayName("ignore payloads of connections that do not send, and of no connection")
  void ignoresNonSenders() {
    Measurements chat = started(Mode.CHAT, 3, 6);
    long due = SCHEDULE.due(0, 15);

    chat.received(1, 15, due + MS);
    chat.received(6, 15, due + MS);
    chat.received(-1, 15, due + MS);
    chat.received(3, -1, due + MS);

    assertThat(chat.delivered()).isZero();
  }

  @Test
  @DisplayName("count what arrives after the drain as lost")
  void lateArrivalsAreLost() {
    Measurements measurements = started(Mode.CURSOR, 2, 2);
    long first = SCHEDULE.due(0, 10);
    long second = SCHEDULE.due(0, 11);
    measurements.sent(first, first);
    measurements.sent(second, second);

    measurements.received(0, 10, first + MS);
    measurements.stop();
    measurements.received(0, 11, SCHEDULE.windowEnd() + 5_000 * MS);

    assertThat(measurements.delivered()).isEqualTo(1);
    assertThat(measurements.latencies().getTotalCount()).isEqualTo(1);
    assertThat(result(measurements, 2).loss()).isEqualTo(0.5);
  }

  @Test
  @DisplayName("report a loss of one delivery in a million as a loss, not as none")
  void smallLossShows() {
    Measurements chat = started(Mode.CHAT, 100, 100);
    for (long seq = 10; seq < 20; seq++) {
      long due = SCHEDULE.due(0, seq);
      for (int i = 0; i < 1_000; i++) {
        chat.sent(due, due);
      }
    }
    long due = SCHEDULE.due(0, 10);
    for (int i = 0; i < 999_999; i++) {
      chat.received(0, 10, due + MS);
    }

    assertThat(chat.expected()).isEqualTo(1_000_000);
    assertThat(result(chat, 100).loss()).isEqualTo(1e-6);
    chat.received(0, 10, due + MS);
    assertThat(result(chat, 100).loss()).isZero();
  }

  static LoadResult result(Measurements measurements, int size) {
    LoadOptions options = LoadOptions.parse("--rooms", "1", "--size", String.valueOf(size));
    return new LoadResult(options, measurements, measurements.latencies(), measurements.joins(),
      measurements.sendLags(), new LoadResult.Figures(1, null, null, null, null, null));
  }
}
