package dev.skillbus.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The allowed origins (SOCKET_CORS_ORIGIN)")
class CorsTest {

  @Test
  @DisplayName("refuse at start an entry that is no origin: a bare * (which would allow nothing), a host without its scheme")
  void refusesWhatIsNoOrigin() {
    for (String entry : new String[] {"*", "*.example.app", "app.example", "https://app.example/*"}) {
      assertThatThrownBy(() -> Cors.handler(new JsonArray().add(entry), false)).as(entry)
        .hasMessage("bridge.cors.origins (SOCKET_CORS_ORIGIN): '" + entry + "' is not an origin"
          + " (<scheme>://<host>[:<port>], as https://coach.example.com or https://*.example.app)");
    }
  }

  @Test
  @DisplayName("take an origin, and one with * for the labels of its subdomains")
  void takesOrigins() {
    assertThat(Cors.handler(new JsonArray().add("https://coach.example.com").add("https://*.example.app")
      .add("http://localhost:3000").add("https://copied.example.org/"), false)).isNotNull();
    assertThat("https://a.b.example.app").matches(Cors.patternOf("https://*.example.app"));
    assertThat("https://example.app.evil.com").doesNotMatch(Cors.patternOf("https://*.example.app"));
  }
}
