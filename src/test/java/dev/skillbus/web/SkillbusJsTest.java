package dev.skillbus.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The browser client's unit tests ({@code src/test/node/skillbus.test.mjs}, Node's own test runner
 * with a scripted transport): ordering, de-duplication, gap fill, reconnect with backoff and rejoin
 * with since, token refresh. Its report is printed; any failing case fails this test.
 */
@DisplayName("skillbus.js")
class SkillbusJsTest {

  @Test
  @DisplayName("passes its unit tests under Node")
  void unitTests() throws Exception {
    Process process = new ProcessBuilder("node", "--test", "skillbus.test.mjs")
      .directory(new File("src/test/node")).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("node finished").isTrue();
    System.out.println(output);
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).contains("# fail 0").doesNotContain("# pass 0");
  }
}
