package dev.skillbus.testing;

import dev.skillbus.Main;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node in a process of its own, as an operator starts it (the shipped logging configuration, the
 * access the jar's manifest grants), configured by environment variables: its output is kept line
 * by line, and it can be stopped with SIGTERM, frozen with SIGSTOP (a hung host: it answers nothing,
 * its peers still count it a member until Hazelcast's heartbeat timeout) and thawed, or killed.
 */
public final class NodeProcess {

  private final Process process;
  private final List<String> lines = new ArrayList<>();
  private final CompletableFuture<Void> started = new CompletableFuture<>();
  private final Thread reader;

  private NodeProcess(Process process) {
    this.process = process;
    this.reader = new Thread(this::read, "node-process-log-" + process.pid());
    reader.start();
  }

  /** Starts a node with these environment variables; {@link #awaitStarted} waits for it. */
  public static NodeProcess start(Map<String, String> env) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>(List.of(java,
      "-Dlogback.configurationFile=" + new File("src/main/resources/logback.xml").getAbsolutePath()));
    command.addAll(manifestAccess());
    command.addAll(List.of("-cp", classpath, Main.class.getName()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    return new NodeProcess(builder.start());
  }

  /**
   * What the jar's manifest opens to the code on the class path ({@code Add-Opens}, {@code
   * Add-Exports}, declared in the pom), as the flags {@code java -jar} takes them for: the node here
   * runs from the class path, where a manifest does not count.
   */
  static List<String> manifestAccess() throws Exception {
    String pom = Files.readString(Path.of("pom.xml"));
    List<String> flags = new ArrayList<>();
    for (String kind : List.of("Opens", "Exports")) {
      Matcher entry = Pattern.compile("<Add-" + kind + ">([^<]*)</Add-" + kind + ">").matcher(pom);
      while (entry.find()) {
        for (String target : entry.group(1).trim().split("\\s+")) {
          flags.add("--add-" + kind.toLowerCase(Locale.ROOT) + "=" + target + "=ALL-UNNAMED");
        }
      }
    }
    return flags;
  }

  private void read() {
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        synchronized (lines) {
          lines.add(line);
        }
        if (line.contains("dev.skillbus.Main - skillbus node") && line.contains(" started: ")) {
          started.complete(null);
        }
      }
    } catch (Exception e) {
      started.completeExceptionally(e);
    }
    started.completeExceptionally(new IllegalStateException("the node's output ended before it started"));
  }

  /** Waits until the node says it started. */
  public void awaitStarted(long seconds) throws Exception {
    started.get(seconds, TimeUnit.SECONDS);
  }

  /** Its output so far. */
  public List<String> lines() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  /** SIGTERM through the handle (Process.destroy() would also close the output still to be read); true once it exited. */
  public boolean stop(long seconds) throws Exception {
    process.toHandle().destroy();
    boolean exited = process.waitFor(seconds, TimeUnit.SECONDS);
    reader.join(10_000);
    return exited;
  }

  /** SIGSTOP: it runs no more, and answers nothing, until {@link #thaw}. */
  public void freeze() throws Exception {
    signal("STOP");
  }

  /** SIGCONT. */
  public void thaw() throws Exception {
    signal("CONT");
  }

  /** SIGKILL, and waits for it to go. */
  public void kill() throws Exception {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
    reader.join(10_000);
  }

  private void signal(String name) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
    }
  }
}
