package dev.skillbus.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.redis.client.impl.types.ErrorType;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Redis error replies")
class ErrorRepliesTest {

  private static final String SCRIPT = "ERR Error running script (call to f_0f3a): @user_script:6: @user_script: 6: -";

  @Test
  @DisplayName("that say Redis cannot serve now are told apart from a command's own failure, plain or inside a script")
  void unavailable() {
    Map<String, String> replies = Map.of(
      "READONLY You can't write against a read only replica.", "READONLY",
      SCRIPT + "READONLY You can't write against a read only replica.", "READONLY",
      "READONLY You can't write against a read only replica. script: 0f3a, on @user_script:6.", "READONLY",
      SCRIPT + "OOM command not allowed when used memory > 'maxmemory'.", "OOM",
      "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk.", "MISCONF",
      "LOADING Redis is loading the dataset in memory", "LOADING",
      "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.", "MASTERDOWN",
      "NOREPLICAS Not enough good replicas to write.", "NOREPLICAS",
      "BUSY Redis is busy running a script.", "BUSY");
    replies.forEach((reply, code) -> assertThat(ErrorReplies.unavailable(ErrorType.create(reply))).as(reply).isEqualTo(code));
    for (String own : new String[] {"WRONGTYPE Operation against a key holding the wrong kind of value",
      "BUSYKEY Target key name already exists.", "ERR Error running script: @user_script:3: attempt to compare nil",
      "NOSCRIPT No matching script. Please use EVAL.", "CONFLICT the item is at version 3"}) {
      assertThat(ErrorReplies.unavailable(ErrorType.create(own))).as(own).isNull();
      assertThat(ErrorReplies.commandFailure(ErrorType.create(own))).as(own).isTrue();
    }
    assertThat(ErrorReplies.commandFailure(ErrorType.create("CONNECTION_CLOSED"))).isFalse();
    assertThat(ErrorReplies.commandFailure(new IllegalStateException("timeout"))).isFalse();
    assertThat(ErrorReplies.fromReplica(ErrorType.create(SCRIPT + "READONLY You can't write"))).isTrue();
    assertThat(ErrorReplies.fromReplica(ErrorType.create("OOM command not allowed"))).isFalse();
  }
}
