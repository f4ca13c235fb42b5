package dev.skillbus.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.testing.BridgeClient;
import dev.skillbus.testing.Clients;
import dev.skillbus.testing.LogCapture;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The bridge over plain HTTP: which origins CORS lets in, a SockJS session by xhr polling, and the
 * dev-token endpoint's answers to bad requests.
 */
@DisplayName("The bridge's CORS, xhr polling and token endpoint")
class BridgeHttpTest extends BridgeLimitsFixture {

  /** A response with its body read, so the connection goes back to the pool. */
  record Response(int status, String allowOrigin, String body) {
  }

  static Future<Response> read(HttpClientResponse response) {
    return response.body().map(b -> new Response(response.statusCode(), response.getHeader("Access-Control-Allow-Origin"), b.toString()));
  }

  static Future<Response> post(String path, String origin, JsonObject body) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port).setURI(path);
    if (origin != null) {
      options.putHeader("Origin", origin);
    }
    return Clients.http(vertx, http -> http.request(options)
      .compose(req -> req.putHeader("content-type", "application/json").send(body.toBuffer()))
      .compose(BridgeHttpTest::read));
  }

  @Test
  @DisplayName("allows origins that match the configured pattern and refuses others")
  void cors() throws Exception {
    JsonObject body = new JsonObject().put("userId", "cors-user");
    Response allowed = await(post("/api/auth/token", "https://coach.example.app", body));
    assertThat(allowed.status()).isEqualTo(200);
    assertThat(allowed.allowOrigin()).isEqualTo("https://coach.example.app");
    Response local = await(post("/api/auth/token", "http://localhost:3000", body));
    assertThat(local.allowOrigin()).isEqualTo("http://localhost:3000");
    Response refused = await(post("/api/auth/token", "https://evil.example.com", body));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(new JsonObject(refused.body()).getJsonObject("error").getInteger("code")).isEqualTo(403);
    Response sockJsInfo = await(Clients.http(vertx, http -> http.request(new RequestOptions().setHost("127.0.0.1").setPort(port)
      .setURI("/eventbus/info").putHeader("Origin", "https://evil.example.app.attacker.com"))
      .compose(r -> r.send()).compose(BridgeHttpTest::read)));
    assertThat(sockJsInfo.status()).isEqualTo(403);
  }

  @Test
  @DisplayName("refuses an origin on the SockJS and page routes, a path nothing serves, and an oversized SockJS POST, with the JSON error body, logging no error")
  void refusalsOutsideTheApi() throws Exception {
    try (LogCapture log = new LogCapture()) {
      for (String path : List.of("/eventbus/info", "/", "/skillbus.js", "/no-such-page")) {
        Response refused = await(Clients.http(vertx, http -> http.request(new RequestOptions().setHost("127.0.0.1").setPort(port)
          .setURI(path).putHeader("Origin", "http://evil.example"))
          .compose(r -> r.send()).compose(BridgeHttpTest::read)));
        assertThat(refused.status()).as(path).isEqualTo(403);
        assertThat(new JsonObject(refused.body()).getJsonObject("error").getInteger("code")).as(path).isEqualTo(403);
      }
      for (String path : List.of("/no-such-page", "/eventbus/x/y/z", "/metricsx")) {
        Response missing = await(Clients.http(vertx, http -> http.request(new RequestOptions().setHost("127.0.0.1").setPort(port)
          .setURI(path)).compose(r -> r.send()).compose(BridgeHttpTest::read)));
        assertThat(missing.status()).as(path).isEqualTo(404);
        assertThat(new JsonObject(missing.body()).getJsonObject("error").getInteger("code")).as(path).isEqualTo(404);
      }
      assertThat(sockJs("bigpost", "xhr", null).body()).startsWith("o");
      Response tooLarge = sockJs("bigpost", "xhr_send", new JsonArray().add("x".repeat(16 * 65536)).encode());
      assertThat(tooLarge.status()).isEqualTo(413);
      assertThat(new JsonObject(tooLarge.body()).getJsonObject("error").getInteger("code")).isEqualTo(413);
      assertThat(log.warnings()).isEmpty();
    }
  }

  /** One SockJS request of session {@code session}: {@code POST /eventbus/000/<session>/<path>}. */
  static Response sockJs(String session, String path, String body) throws Exception {
    return await(Clients.http(vertx, http -> http.request(new RequestOptions().setMethod(HttpMethod.POST)
      .setHost("127.0.0.1").setPort(port).setURI("/eventbus/000/" + session + "/" + path))
      .compose(r -> body == null ? r.send() : r.send(body)).compose(BridgeHttpTest::read)));
  }

  @Test
  @DisplayName("a SockJS session without a WebSocket (xhr polling) sends frames and gets their answers")
  void xhrPolling() throws Exception {
    String token = await(BridgeClient.token(vertx, port, "xhr-user", "Xhr User", "learner"));
    assertThat(sockJs("xhrsession", "xhr", null).body()).startsWith("o");
    JsonObject frame = new JsonObject().put("type", "send").put("address", "session.join")
      .put("body", new JsonObject().put("sessionId", "xhr-room")).put("replyAddress", "xhr-reply-1")
      .put("headers", new JsonObject().put("authorization", "Bearer " + token));
    Response sent = sockJs("xhrsession", "xhr_send", new JsonArray().add(frame.encode()).encode());
    assertThat(sent.status()).isEqualTo(204);
    // No session service runs here: the answer is the bridge's error on the frame's reply address.
    Response polled = sockJs("xhrsession", "xhr", null);
    assertThat(polled.body()).startsWith("a").contains("xhr-reply-1");
  }

  /** An answer over a kept connection: its status, Connection header and body. */
  record Kept(int status, String connection, String body) {
    static Future<Kept> read(HttpClientResponse response) {
      return response.body().map(b -> new Kept(response.statusCode(), response.getHeader("Connection"), b.toString()));
    }
  }

  @Test
  @DisplayName("an xhr poll's answer says that the connection closes after it, so that a client keeping connections open sends its next request on a new one")
  void xhrPollSaysClose() throws Exception {
    Kept poll = await(Clients.http(vertx, http -> http.request(HttpMethod.POST, port, "127.0.0.1", "/eventbus/000/xhrclose/xhr")
      .compose(r -> r.send()).compose(Kept::read)));
    assertThat(poll.body()).startsWith("o");
    assertThat(poll.connection()).isEqualToIgnoringCase("close");
    String ping = new JsonArray().add(new JsonObject().put("type", "ping").encode()).encode();
    Kept sent = await(Clients.http(vertx, http -> http.request(HttpMethod.POST, port, "127.0.0.1", "/eventbus/000/xhrclose/xhr_send")
      .compose(r -> r.send(ping)).compose(Kept::read)));
    assertThat(sent.status()).isEqualTo(204);
    assertThat(sent.connection()).as("a connection SockJS keeps open is not said to close").isNull();
  }

  @Test
  @DisplayName("a SockJS POST carrying a burst of frames (over four frame limits) is taken whole; one over sixteen is refused 413")
  void xhrSendBurst() throws Exception {
    String token = await(BridgeClient.token(vertx, port, "xhr-burst", "Xhr Burst", "learner"));
    assertThat(sockJs("xhrburst", "xhr", null).body()).startsWith("o");
    JsonArray frames = new JsonArray();
    for (int i = 0; i < 100; i++) {
      frames.add(new JsonObject().put("type", "send").put("address", "session.message")
        .put("body", new JsonObject().put("sessionId", "xhr-room").put("text", "x".repeat(3000)))
        .put("replyAddress", "xhr-burst-" + i).put("headers", new JsonObject().put("authorization", "Bearer " + token)).encode());
    }
    String burst = frames.encode();
    assertThat(burst.length()).isGreaterThan(4 * 65536);
    assertThat(sockJs("xhrburst", "xhr_send", burst).status()).isEqualTo(204);
    Set<String> answered = new HashSet<>();
    for (int polls = 0; answered.size() < 100 && polls < 100; polls++) {
      Matcher replyAddresses = Pattern.compile("xhr-burst-\\d+").matcher(sockJs("xhrburst", "xhr", null).body());
      while (replyAddresses.find()) {
        answered.add(replyAddresses.group());
      }
    }
    assertThat(answered).hasSize(100);
    String tooLarge = new JsonArray().add("x".repeat(16 * 65536)).encode();
    assertThat(sockJs("xhrburst", "xhr_send", tooLarge).status()).isEqualTo(413);
  }

  @Test
  @DisplayName("answers bad dev-token requests with 400 and a JSON error naming the field")
  void tokenBadInput() throws Exception {
    for (JsonObject body : new JsonObject[] {
      new JsonObject(), new JsonObject().put("userId", "has space"), new JsonObject().put("userId", 7),
      new JsonObject().put("userId", "ok").put("role", "superuser"), new JsonObject().put("userId", "ok").put("name", "n".repeat(101))}) {
      Response response = await(post("/api/auth/token", null, body));
      JsonObject error = new JsonObject(response.body()).getJsonObject("error");
      assertThat(response.status()).as(body.encode()).isEqualTo(400);
      assertThat(error.getInteger("code")).isEqualTo(400);
      assertThat(error.getString("message")).containsAnyOf("userId", "role", "name");
    }
    for (String text : new String[] {"{oops", "[]", "\"x\"", "7", "null", ""}) {
      Response notAnObject = await(Clients.http(vertx, http -> http.request(new RequestOptions().setMethod(HttpMethod.POST)
        .setHost("127.0.0.1").setPort(port).setURI("/api/auth/token")).compose(r -> r.send(text)).compose(BridgeHttpTest::read)));
      assertThat(notAnObject.status()).as(text).isEqualTo(400);
      assertThat(new JsonObject(notAnObject.body()).getJsonObject("error").getInteger("code")).as(text).isEqualTo(400);
    }
  }
}
