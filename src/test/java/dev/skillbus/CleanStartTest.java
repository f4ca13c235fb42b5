package dev.skillbus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.testing.NodeProcess;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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

  @Test
  @DisplayName("logs no warning or error: start, the node's own lines, stop")
  void logsNoWarning() throws Exception {
    NodeProcess node = NodeProcess.start(Map.of(
      "HTTP_PORT", String.valueOf(HTTP_PORT),
      "CLUSTER_PORT", String.valueOf(CLUSTER_PORT),
      "CLUSTER_NAME", "clean-start-" + UUID.randomUUID(),
      "JWT_SECRET", "a-production-secret-of-32-chars!",
      "SKILLBUS_DEV", "false"));
    try {
      node.awaitStarted(90);
    } finally {
      assertThat(node.stop(60)).as("the node stopped on SIGTERM").isTrue();
    }
    List<String> log = node.lines();
    String whole = String.join("\n", log);
    assertThat(log).as(whole).anyMatch(line -> line.contains("left the cluster"));
    assertThat(log).as(whole).noneMatch(line -> WARNING.matcher(line).matches());
  }
}
