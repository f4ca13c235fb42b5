package dev.skillbus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The node's launcher")
class MainTest {

  @Test
  @DisplayName("for a node that did not start, says why in the log: for a start that timed out, what it most likely waited for; never \"null\"")
  void saysWhy() {
    assertThat(Main.whyNotStarted(new TimeoutException())).contains("120 s", "CLUSTER_MEMBERS");
    assertThat(Main.whyNotStarted(new IllegalStateException("bridge.auth.secret (JWT_SECRET) must be at least 16 characters")))
      .isEqualTo("bridge.auth.secret (JWT_SECRET) must be at least 16 characters");
    assertThat(Main.whyNotStarted(new NullPointerException())).isEqualTo("java.lang.NullPointerException");
  }

  @Test
  @DisplayName("gives Netty its pooled allocator, unless the JVM was told which to use")
  void allocator() {
    Properties unset = new Properties();
    Main.defaultAllocator(unset);
    assertThat(unset.getProperty(Main.ALLOCATOR_PROPERTY)).isEqualTo("pooled");

    Properties chosen = new Properties();
    chosen.setProperty(Main.ALLOCATOR_PROPERTY, "adaptive");
    Main.defaultAllocator(chosen);
    assertThat(chosen.getProperty(Main.ALLOCATOR_PROPERTY)).isEqualTo("adaptive");
  }
}
