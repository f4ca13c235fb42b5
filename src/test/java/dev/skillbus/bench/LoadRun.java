package dev.skillbus.bench;

import dev.skillbus.bench.LoadResult.Figures;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One run of the load tool, in the order of loadgen.js: connect and join every connection in
 * batches, settle for a second, then (unless connect-only) start the senders, warm up, measure for
 * the window and wait for the drain. {@link #run()} blocks its caller: call it from {@code main} or
 * a test thread, never from an event loop. Progress goes to stderr.
 */
final class LoadRun {

  private static final long JOIN_TIMEOUT_SECONDS = 60;
  private static final long SETTLE_MS = 1_000;

  private final Vertx vertx;
  private final LoadOptions options;
  private final Measurements measurements;
  private final ProcStats server;
  private final List<BenchClient> clients = new ArrayList<>();

  LoadRun(Vertx vertx, LoadOptions options) {
    this.vertx = vertx;
    this.options = options;
    this.measurements = new Measurements(options.mode(), options.size(), options.connections());
    this.server = new ProcStats(options.pids());
  }

  /** Runs the load; fails with a message saying what could not connect or join. */
  LoadResult run() throws Exception {
    Connector connector = new Connector(vertx, options.connections());
    EventLoops loops = EventLoops.deploy(vertx, options.loops()).await(JOIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    try {
      Double rssBefore = server.rssMb();
      long start = System.nanoTime();
      connectAll(connector, loops);
      double connectSecs = (System.nanoTime() - start) / 1e9;
      progress("%d connections joined %d rooms in %.1f s", clients.size(), options.rooms(), connectSecs);
      Thread.sleep(SETTLE_MS);
      Double rssConnected = server.rssMb();
      Cpu cpu = options.connectOnly() ? new Cpu(null, null) : drive();
      Figures figures = new Figures(connectSecs, rssBefore, rssConnected, server.rssMb(),
        cpu.server(), cpu.generator());
      return new LoadResult(options, measurements, measurements.latencies(), measurements.joins(),
        measurements.sendLags(), figures);
    } finally {
      closeAll(connector, loops);
    }
  }

  private void connectAll(Connector connector, EventLoops loops) throws Exception {
    int n = options.connections();
    for (int first = 0; first < n; first += options.batch()) {
      List<Future<BenchClient>> batch = new ArrayList<>();
      for (int i = first; i < Math.min(n, first + options.batch()); i++) {
        int index = i;
        batch.add(loops.on(i, () -> BenchClient.open(connector, options, index, measurements)
          .compose(BenchClient::join)));
      }
      try {
        clients.addAll(Future.all(batch).<List<BenchClient>>map(all -> all.list())
          .await(JOIN_TIMEOUT_SECONDS, TimeUnit.SECONDS));
      } catch (TimeoutException e) {
        long joined = batch.stream().filter(Future::succeeded).count();
        throw new Exception("connections " + first + " to " + (first + batch.size() - 1) + " (of " + options.urls()
          + ") did not all join within " + JOIN_TIMEOUT_SECONDS + " s: " + joined + " of " + batch.size() + " did", e);
      }
      if (n >= 1000 && clients.size() % 1000 < options.batch()) {
        progress("%d/%d joined", clients.size(), n);
      }
    }
  }

  /** CPU seconds used in the measured window. */
  private record Cpu(Double server, Double generator) {
  }

  /** Sends through warm-up and window, then waits for the drain. */
  private Cpu drive() throws InterruptedException {
    Schedule schedule = Schedule.startingNow(options.rate(), options.warmup(), options.duration());
    measurements.start(schedule);
    Mode mode = options.mode();
    for (int i = 0; i < clients.size(); i++) {
      if (mode.sends(i, options.size())) {
        new Sender(clients.get(i), mode, mode.slot(i, options.size()), schedule, measurements).start();
      }
    }
    progress("warming up %.0f s, then measuring %.0f s", options.warmup(), options.duration());
    sleepUntil(schedule.windowStart());
    Double cpuStart = server.cpuSeconds();
    double generatorStart = ProcStats.selfCpuSeconds();
    sleepUntil(schedule.windowEnd());
    Double cpuEnd = server.cpuSeconds();
    double generator = ProcStats.selfCpuSeconds() - generatorStart;
    progress("draining %.0f s", options.drain());
    sleepUntil(schedule.windowEnd() + Schedule.seconds(options.drain()));
    measurements.stop();
    return new Cpu(cpuStart == null ? null : cpuEnd - cpuStart, generator);
  }

  private void closeAll(Connector connector, EventLoops loops) throws Exception {
    List<Future<Void>> closing = new ArrayList<>();
    clients.forEach(client -> closing.add(client.close()));
    Future.join(closing).transform(v -> Future.join(connector.close(), loops.undeploy()))
      .await(30, TimeUnit.SECONDS);
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left = nanoTime - System.nanoTime();
    if (left > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }

  private static void progress(String format, Object... args) {
    System.err.println("skillbus load: " + String.format(format, args));
  }
}
