package dev.skillbus.course;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The course settings")
class CourseSettingsTest {

  @Test
  @DisplayName("refuse a status lifetime that is not longer than the time limit, naming both settings")
  void ttlOutlivesTimeLimit() {
    for (long ttl : new long[] {599, 600}) {
      JsonObject config = new JsonObject().put("timeLimitSeconds", 600).put("sessionTtlSeconds", ttl);
      assertThatThrownBy(() -> CourseSettings.from(config)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("COURSE_SESSION_TTL_SECONDS").hasMessageContaining("COURSE_TIME_LIMIT_SECONDS");
    }
    assertThat(CourseSettings.from(new JsonObject().put("timeLimitSeconds", 600).put("sessionTtlSeconds", 601))
      .sessionTtlSeconds()).isEqualTo(601);
    assertThat(CourseSettings.from(new JsonObject()).sessionTtlSeconds()).isGreaterThan(CourseSettings.DEFAULT_TIME_LIMIT_SECONDS);
  }
}
