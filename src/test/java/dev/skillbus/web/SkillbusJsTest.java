package dev.skillbus.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The browser client's unit tests (every {@code *.test.mjs} in {@code src/test/node}, one topic each,
 * sharing {@code skillbus-harness.mjs}; Node's own test runner with a scripted transport): ordering,
 * de-duplication, gap fill, reconnect with backoff and rejoin with since, token refresh. Their report
 * is printed; any failing case fails this test, and a case that hangs fails at its own 10 s limit.
 */
@DisplayName("skillbus.js")
class SkillbusJsTest {

  @Test
  @DisplayName("passes its unit tests under Node")
  void unitTests() throws Exception {
    // Output to a file, so that a run that hangs is cut at the time limit rather than read forever.
    File log = File.createTempFile("skillbus-js-", ".log");
    log.deleteOnExit();
    List<String> command = new ArrayList<>(List.of("node", "--test"));
    if (nodeOffers("--test-force-exit")) {
      // A case that timed out may leave timers behind; the run ends anyway.
      command.add("--test-force-exit");
    }
    File dir = new File("src/test/node");
    command.addAll(testFiles(dir));
    Process process = new ProcessBuilder(command)
      .directory(dir).redirectErrorStream(true).redirectOutput(log).start();
    boolean finished = process.waitFor(120, TimeUnit.SECONDS);
    if (!finished) {
      process.destroyForcibly().waitFor();
    }
    String output = Files.readString(log.toPath(), StandardCharsets.UTF_8);
    System.out.println(output);
    assertThat(finished).as("node finished within 120 s:%n%s", output).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).contains("# fail 0", "# cancelled 0").doesNotContain("# pass 0");
  }

  /** The test files of the directory, sorted, so that the run and its report are the same each time. */
  private static List<String> testFiles(File dir) {
    String[] names = dir.list((d, name) -> name.endsWith(".test.mjs"));
    assertThat(names).as("*.test.mjs in %s", dir).isNotEmpty();
    Arrays.sort(names);
    return List.of(names);
  }

  private static boolean nodeOffers(String option) throws Exception {
    Process help = new ProcessBuilder("node", "--help").redirectErrorStream(true).start();
    String text = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    help.waitFor();
    return text.contains(option);
  }
}
