package dev.skillbus.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

/**
 * skillbus's own load tool: N = rooms × size bridge connections with dev tokens, fixed-rate
 * open-loop senders in cursor or chat mode, and one JSON line of results on stdout, comparable with
 * {@code ../shared/bench/loadgen.js}. Usage: see {@link LoadOptions#USAGE} and the README.
 * Exits 2 on bad options, 1 when the run fails (a node cannot be reached, a join is refused).
 */
public final class LoadTool {

  private LoadTool() {
  }

  public static void main(String[] args) {
    PrintStream out = System.out;
    // stdout carries the result line only: logging (console appenders write to System.out) goes to stderr.
    System.setOut(System.err);
    LoadOptions options;
    try {
      options = LoadOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("load tool: " + e.getMessage() + "\n" + LoadOptions.USAGE);
      System.exit(2);
      return;
    }
    System.exit(run(options, out));
  }

  private static int run(LoadOptions options, PrintStream out) {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(options.loops()));
    try {
      out.println(new LoadRun(vertx, options).run().toJson().encode());
      return 0;
    } catch (Exception e) {
      System.err.println("load tool failed: " + e.getMessage());
      return 1;
    } finally {
      try {
        vertx.close().await(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("load tool: closing took too long: " + e);
      }
    }
  }
}
