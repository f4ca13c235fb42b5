package dev.skillbus.bench;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.MathContext;
import org.HdrHistogram.Histogram;

/**
 * The figures of one run, written as the one JSON line of loadgen.js (same field names and
 * meanings) plus {@code latencyMs.p999}; {@code lateSends} and {@code sendLagMs} (how far the
 * senders fell behind their schedule); {@code disconnects} and {@code nodes}.
 * Latency and join times are in milliseconds from microsecond histograms; {@code null} stands for
 * what was not measured (no {@code --pid}; with {@code --connect-only}, whose mode reads
 * {@code connect-only}, the traffic figures).
 */
record LoadResult(LoadOptions options, Measurements measurements, Histogram latencies, Histogram joins,
                  Histogram sendLags, Figures figures) {

  /** What was read around the run: times in seconds, memory in MB. */
  record Figures(double connectSecs, Double rssBefore, Double rssConnected, Double rssEnd,
                 Double serverCpuSecs, Double generatorCpuSecs) {
  }

  long delivered() {
    return measurements.delivered();
  }

  long expected() {
    return measurements.expected();
  }

  /**
   * The share of the expected deliveries that did not arrive, to three significant digits: 0 only
   * when every one arrived (rounded to a number of decimals, as loadgen.js does, one lost delivery
   * in a million would read as none).
   */
  Double loss() {
    long expected = expected();
    if (expected == 0) {
      return null;
    }
    double loss = (double) (expected - delivered()) / expected;
    return new BigDecimal(loss).round(new MathContext(3)).doubleValue();
  }

  JsonObject toJson() {
    int connections = options.connections();
    boolean traffic = !options.connectOnly();
    Double cpu = figures.serverCpuSecs();
    Double kbPerConnection = figures.rssBefore() == null ? null
      : (figures.rssConnected() - figures.rssBefore()) * 1024 / connections;
    return new JsonObject()
      .put("target", "skillbus").put("mode", traffic ? options.mode().label() : "connect-only")
      .put("rooms", options.rooms()).put("size", options.size()).put("rate", traffic ? options.rate() : null)
      .put("connections", connections).put("nodes", options.urls().size())
      .put("duration", traffic ? options.duration() : null)
      .put("sent", measurements.sent()).put("expected", expected()).put("delivered", delivered()).put("loss", loss())
      .put("deliveredPerSec", traffic ? Math.round(delivered() / options.duration()) : null)
      .put("latencyMs", millis(latencies, 50, 90, 99, 99.9).put("max", max(latencies)))
      .put("joinMs", millis(joins, 50, 99))
      .put("connectSecs", r2(figures.connectSecs()))
      .put("serverCpuSecs", r2(cpu))
      .put("deliveriesPerServerCpuSec", cpu == null || cpu == 0 ? null : Math.round(delivered() / cpu))
      .put("serverRssMb", new JsonObject().put("before", r2(figures.rssBefore()))
        .put("connected", r2(figures.rssConnected())).put("end", r2(figures.rssEnd())))
      .put("kbPerConnection", r2(kbPerConnection))
      .put("generatorCpuSecs", r2(figures.generatorCpuSecs()))
      .put("errors", measurements.errors()).put("selfDeliveries", measurements.selfDeliveries())
      .put("lateSends", measurements.lateSends())
      .put("sendLagMs", millis(sendLags, 99).put("max", max(sendLags)))
      .put("disconnects", measurements.disconnects());
  }

  private static JsonObject millis(Histogram micros, double... percentiles) {
    JsonObject json = new JsonObject();
    for (double p : percentiles) {
      String name = "p" + (p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p).replace(".", ""));
      json.put(name, micros.getTotalCount() == 0 ? null : r2(micros.getValueAtPercentile(p) / 1000.0));
    }
    return json;
  }

  private static Double max(Histogram micros) {
    return micros.getTotalCount() == 0 ? null : r2(micros.getMaxValue() / 1000.0);
  }

  private static Double r2(Double x) {
    return x == null || x.isNaN() ? null : Math.round(x * 100) / 100.0;
  }
}
