package dev.skillbus;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A node started as an operator starts it (its own process, the shipped configuration and logging
 * configuration, a production secret) and stopped with SIGTERM: a warning in its log must mean something is wrong,
 * so a clean start and stop writes none.
 */
@DisplayName("A node started and stopped with the shipped logging configuration")
class CleanStartTest {

  private static final int HTTP_PORT = 7297;
  private static final int CLUSTER_PORT = 5897;
  /** A line of the log at WARN or ERROR, or a warning printed to the console (as Hazelcast's advice on module access). */
  private static final Pattern WARNING = Pattern.compile("^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (WARN|ERROR) |WARNING).*");

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

  @Test
  @DisplayName("logs no warning or error: start, the node's own lines, stop")
  void logsNoWarning() throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>(List.of(java,
      "-Dlogback.configurationFile=" + new File("src/main/resources/logback.xml").getAbsolutePath()));
    command.addAll(manifestAccess());
    command.addAll(List.of("-cp", classpath, Main.class.getName()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(Map.of(
      "HTTP_PORT", String.valueOf(HTTP_PORT),
      "CLUSTER_PORT", String.valueOf(CLUSTER_PORT),
      "CLUSTER_NAME", "clean-start-" + UUID.randomUUID(),
      "JWT_SECRET", "a-production-secret-of-32-chars!",
      "SKILLBUS_DEV", "false"));
    Process process = builder.start();
    List<String> lines = new ArrayList<>();
    CompletableFuture<Void> started = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
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
    }, "clean-start-log");
    reader.start();
    try {
      started.get(90, TimeUnit.SECONDS);
    } finally {
      // SIGTERM through the handle: Process.destroy() would also close the output still to be read.
      process.toHandle().destroy();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the node stopped on SIGTERM").isTrue();
      reader.join(10_000);
    }
    List<String> log;
    synchronized (lines) {
      log = List.copyOf(lines);
    }
    String whole = String.join("\n", log);
    assertThat(log).as(whole).anyMatch(line -> line.contains("left the cluster"));
    assertThat(log).as(whole).noneMatch(line -> WARNING.matcher(line).matches());
  }
}
