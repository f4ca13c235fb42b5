package dev.skillbus.coaching;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.course.Level;
import dev.skillbus.protocol.Role;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Wire values made from enum names on a node whose default locale lower-cases "I" to a dotless
 * "ı" (Turkish, Azeri): they must still be the contract's.
 */
@DisplayName("Wire values of statuses, roles and levels on a node with a Turkish default locale")
class WireNamesTest {

  private Locale before;

  @BeforeEach
  void turkish() {
    before = Locale.getDefault();
    Locale.setDefault(Locale.forLanguageTag("tr-TR"));
  }

  @AfterEach
  void restore() {
    Locale.setDefault(before);
  }

  @Test
  @DisplayName("are the contract's, and read back")
  void sameAsEverywhere() {
    assertThat(Arrays.stream(ActionStatus.values()).map(ActionStatus::wire))
      .containsExactly("open", "in_progress", "done", "cancelled");
    for (ActionStatus status : ActionStatus.values()) {
      assertThat(ActionStatus.stored(status.wire())).isEqualTo(status);
    }
    assertThat(Arrays.stream(Role.values()).map(Role::wire))
      .containsExactly("learner", "instructor", "team_leader", "agent", "admin");
    for (Role role : Role.values()) {
      assertThat(Role.of(role.wire())).isEqualTo(role);
    }
    for (Level level : Level.values()) {
      assertThat(Level.of(level.wire())).isEqualTo(level);
      assertThat(level.wire()).matches("[a-z]+");
    }
  }
}
