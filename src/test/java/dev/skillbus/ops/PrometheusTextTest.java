package dev.skillbus.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.testing.Prometheus;
import dev.skillbus.testing.Prometheus.Sample;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Metrics as Prometheus text")
class PrometheusTextTest {

  @Test
  @DisplayName("labels every sample with its node, with or without labels of its own")
  void labelsSamples() {
    String text = """
      # HELP a_total A
      # TYPE a_total counter
      a_total 3.0
      b{x="1"} 2.0
      c{} 1.0
      """;
    assertThat(PrometheusText.labelled(text, "n-1").lines().toList()).containsExactly(
      "# HELP a_total A", "# TYPE a_total counter", "a_total{node=\"n-1\"} 3.0", "b{node=\"n-1\",x=\"1\"} 2.0",
      "c{node=\"n-1\"} 1.0");
  }

  @Test
  @DisplayName("merges nodes into one family each, which parses as Prometheus text")
  void mergesFamilies() {
    Metrics first = Metrics.create();
    Metrics second = Metrics.create();
    first.event("message");
    second.event("message");
    second.event("user-joined");
    second.refused(ErrorCode.RATE_LIMITED);
    first.frameIn();
    String merged = PrometheusText.merge(List.of(PrometheusText.labelled(first.scrape(), "a"),
      PrometheusText.labelled(second.scrape(), "b")));

    List<Sample> samples = Prometheus.parse(merged);
    assertThat(merged.lines().filter(l -> l.startsWith("# TYPE skillbus_events")).count()).isEqualTo(1);
    assertThat(Prometheus.sum(samples, "skillbus_events_total", Map.of("event", "message"))).isEqualTo(2);
    assertThat(Prometheus.sum(samples, "skillbus_events_total", Map.of("node", "b"))).isEqualTo(2);
    assertThat(Prometheus.sum(samples, "skillbus_refused_frames_total", Map.of("code", "429", "node", "b"))).isEqualTo(1);
    assertThat(Prometheus.sum(samples, "skillbus_messages_in_total", Map.of("node", "a"))).isEqualTo(1);
  }

  @Test
  @DisplayName("counts event names beyond the limit as other, so labels stay few")
  void boundsEventNames() {
    Metrics metrics = Metrics.create();
    for (int i = 0; i < Metrics.MAX_EVENT_NAMES + 10; i++) {
      metrics.event("event-" + i);
    }
    assertThat(metrics.eventCounts()).hasSize(Metrics.MAX_EVENT_NAMES + 1).containsEntry(Metrics.OTHER_EVENTS, 10L);
  }
}
