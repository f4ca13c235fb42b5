package dev.skillbus;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

@DisplayName("A node that did not start")
class MainTest {

  @Test
  @DisplayName("says why in the log: for a start that timed out, what it most likely waited for; never \"null\"")
  void saysWhy() {
    assertThat(Main.whyNotStarted(new TimeoutException())).contains("120 s", "CLUSTER_MEMBERS");
    assertThat(Main.whyNotStarted(new IllegalStateException("bridge.auth.secret (JWT_SECRET) must be at least 16 characters")))
      .isEqualTo("bridge.auth.secret (JWT_SECRET) must be at least 16 characters");
    assertThat(Main.whyNotStarted(new NullPointerException())).isEqualTo("java.lang.NullPointerException");
  }

  @Test
  @DisplayName("logs at INFO when SKILLBUS_LOG_LEVEL is blank, as when it is unset")
  void blankLogLevel() {
    Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    Level before = root.getLevel();
    try {
      root.setLevel(Level.DEBUG);
      Main.blankLogLevelIsUnset("warn");
      assertThat(root.getLevel()).isEqualTo(Level.DEBUG);
      Main.blankLogLevelIsUnset(" ");
      assertThat(root.getLevel()).isEqualTo(Level.INFO);
    } finally {
      root.setLevel(before);
    }
  }
}
