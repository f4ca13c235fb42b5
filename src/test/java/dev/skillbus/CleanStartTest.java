package dev.skillbus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.testing.NodeProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
  private static final int NOT_REDIS_HTTP_PORT = 7299;
  private static final int NOT_REDIS_CLUSTER_PORT = 6670;
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

  @Test
  @DisplayName("with a REDIS_URL that reaches a server that does not speak Redis, says once that Redis is down and why, not at every retry")
  void notRedisSaidOnce() throws Exception {
    CountDownLatch retries = new CountDownLatch(5);
    try (ServerSocket notRedis = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread answering = new Thread(() -> {
        while (!notRedis.isClosed()) {
          try (Socket socket = notRedis.accept()) {
            socket.getOutputStream().write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            retries.countDown();
          } catch (IOException closed) {
            // The test is over.
          }
        }
      });
      answering.start();
      NodeProcess node = NodeProcess.start(Map.of(
        "HTTP_PORT", String.valueOf(NOT_REDIS_HTTP_PORT),
        "CLUSTER_PORT", String.valueOf(NOT_REDIS_CLUSTER_PORT),
        "CLUSTER_NAME", "not-redis-" + UUID.randomUUID(),
        "REDIS_URL", "redis://127.0.0.1:" + notRedis.getLocalPort()));
      try {
        node.awaitStarted(90);
        assertThat(retries.await(60, TimeUnit.SECONDS)).as("the node kept trying").isTrue();
      } finally {
        assertThat(node.stop(60)).as("the node stopped on SIGTERM").isTrue();
      }
      List<String> log = node.lines();
      String whole = String.join("\n", log);
      assertThat(log).as(whole).filteredOn(line -> line.contains("is down (")).hasSize(1);
      assertThat(log).as(whole).noneMatch(line -> line.contains("Unhandled Error") || line.contains("\tat io.vertx.redis"));
    }
  }
}
