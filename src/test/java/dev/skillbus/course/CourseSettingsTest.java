package dev.skillbus.course;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.util.List;
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

  @Test
  @DisplayName("refuse an AI endpoint URL a node cannot use, naming the setting and never repeating the value")
  void aiEndpointUrl() {
    for (String url : List.of("svc:Pa55-SECRET@llm.internal:9341/v1", "http://svc:Pa55-SECRET@127.0.0.1:9341/v1",
        "http://127.0.0.1:70000/v1", "localhost:9341/v1", "not a url Pa55-SECRET", "http:///v1",
        "http://127.0.0.1:9341/v1?token=Pa55-SECRET")) {
      JsonObject config = new JsonObject().put("openai", new JsonObject().put("baseUrl", url));
      assertThatThrownBy(() -> CourseSettings.from(config)).as(url).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("OPENAI_BASE_URL").hasMessageNotContaining("Pa55-SECRET");
    }
    JsonObject config = new JsonObject().put("openai", new JsonObject().put("baseUrl", "http://127.0.0.1:9341/v1/"));
    assertThat(CourseSettings.from(config).openai().completionsUrl()).isEqualTo("http://127.0.0.1:9341/v1/chat/completions");
    // A container's service name may hold an underscore.
    config = new JsonObject().put("openai", new JsonObject().put("baseUrl", "http://llm_gateway:8000/v1"));
    assertThat(CourseSettings.from(config).openai().completionsUrl()).isEqualTo("http://llm_gateway:8000/v1/chat/completions");
  }
}
