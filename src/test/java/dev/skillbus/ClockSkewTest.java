package dev.skillbus;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A node whose clock is off the cluster's")
class ClockSkewTest {

  @Test
  @DisplayName("is warned of beyond a second, in either direction, and not within it")
  void warnedBeyondASecond() {
    long now = 1_800_000_000_000L;
    assertThat(ClusterNode.clockSkewWarning(now + 1000, now)).isNull();
    assertThat(ClusterNode.clockSkewWarning(now - 1000, now)).isNull();
    assertThat(ClusterNode.clockSkewWarning(now + 4200, now)).startsWith("This node's clock is 4200 ms behind the cluster's")
      .contains("NTP");
    assertThat(ClusterNode.clockSkewWarning(now - 1001, now)).startsWith("This node's clock is 1001 ms ahead of the cluster's");
  }
}
