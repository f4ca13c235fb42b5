package dev.skillbus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

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
}
