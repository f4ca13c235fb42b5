package dev.skillbus.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skillbus.testing.Clients;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("The allowed origins (SOCKET_CORS_ORIGIN)")
class CorsTest {

  @Test
  @DisplayName("refuse at start an entry that is no origin: a bare * (which would allow nothing), a host without its scheme")
  void refusesWhatIsNoOrigin() {
    for (String entry : new String[] {"*", "*.example.app", "app.example", "https://app.example/*",
        "https://*", "http://*:8080", "https://*.app", "https://ex*.app", "https://*.*.example.app", "https://a.*.example.app"}) {
      assertThatThrownBy(() -> Cors.handler(new JsonArray().add(entry), false)).as(entry)
        .hasMessage("bridge.cors.origins (SOCKET_CORS_ORIGIN): '" + entry + "' is not an origin"
          + " (<scheme>://<host>[:<port>], as https://coach.example.com, or with * as the first label of a host of two"
          + " labels or more for its subdomains, as https://*.example.app)");
    }
  }

  @Test
  @DisplayName("allow what they name, in any case, a trailing slash as copied from an address bar read as none")
  void allowWhatTheyName(Vertx vertx) throws Exception {
    Router router = Router.router(vertx);
    router.route().handler(Cors.handler(new JsonArray().add("https://*.Example.App/").add("https://Coach.Example.COM/")
      .add("http://*.lan.example:8080"), false));
    router.route().handler(ctx -> ctx.response().end("ok"));
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    try {
      // As written in any case, in the lower case a browser sends, or in another.
      for (String origin : List.of("https://x.example.app", "https://a.b.example.app", "https://coach.example.com",
          "http://pc.lan.example:8080", "https://X.Example.app", "http://PC.lan.example:8080")) {
        assertThat(status(vertx, server.actualPort(), origin)).as(origin).isEqualTo(200);
      }
      for (String origin : List.of("https://example.app", "https://evil.com", "https://x.example.app.evil.com",
          "http://x.example.app", "http://pc.lan.example:8081", "https://coach.example.com.evil.com")) {
        assertThat(status(vertx, server.actualPort(), origin)).as(origin).isEqualTo(403);
      }
    } finally {
      server.close().await();
    }
  }

  private static int status(Vertx vertx, int port, String origin) {
    return Clients.http(vertx, http -> http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
        .setPort(port).setURI("/").putHeader("Origin", origin))
      .compose(req -> req.send()).compose(resp -> resp.body().map(b -> resp.statusCode()))).await();
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
