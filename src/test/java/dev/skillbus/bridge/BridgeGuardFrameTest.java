package dev.skillbus.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.protocol.Inbound;
import dev.skillbus.testing.BridgeClient;
import dev.skillbus.testing.Clients;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What the guard does with frames and HTTP bodies that are malformed, oversized, nested too deep or
 * file uploads, with a service's reply it cannot write, and which scripts SockJS's iframe page loads.
 */
@DisplayName("The bridge guard: malformed, oversized and deep frames and bodies")
class BridgeGuardFrameTest extends BridgeGuardFixture {

  @Test
  @DisplayName("refuses an oversized frame with 413 and keeps the socket usable")
  void refusesOversizedFrame() throws Exception {
    BridgeClient hank = client("hank", "learner");
    JsonObject big = new JsonObject().put("text", "x".repeat(3000));
    assertThat(await(hank.request(Inbound.SESSION_HISTORY.address(), big)).getInteger("failureCode")).isEqualTo(413);
    assertThat(await(hank.request(Inbound.SESSION_HISTORY.address(), new JsonObject())).getString("type")).isEqualTo("rec");
    // Not parsed: only scanned for its reply address, so what follows it need not even be JSON.
    hank.writeRaw("{\"type\":\"send\",\"address\":\"session.history\",\"replyAddress\":\"big-1\",\"body\":{\"text\":\""
      + "x".repeat(3000));
    assertThat(await(hank.next(f -> "big-1".equals(f.getString("address")))).getInteger("failureCode")).isEqualTo(413);
    // A single frame of three times the limit is still read and refused, not a reason to drop the socket.
    assertThat(await(hank.request(Inbound.SESSION_HISTORY.address(), new JsonObject().put("text", "x".repeat(6000))))
      .getInteger("failureCode")).isEqualTo(413);
    assertThat(await(hank.request(Inbound.SESSION_HISTORY.address(), new JsonObject())).getString("type")).isEqualTo("rec");
  }

  @Test
  @DisplayName("writes no file of a multipart request to disk, whatever its path and token; the REST API says its body must be JSON")
  void takesNoFileUploads() throws Exception {
    Path uploads = Path.of(BodyHandler.DEFAULT_UPLOADS_DIRECTORY);
    long before = filesIn(uploads);
    String boundary = "skillbus-test-boundary";
    String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"blob.bin\"\r\n"
      + "Content-Type: application/octet-stream\r\n\r\n" + "x".repeat(30_000) + "\r\n--" + boundary + "--\r\n";
    for (String path : List.of("/api/auth/token", "/api/courses/generate", "/socket/rooms", "/eventbus/000/abc/xhr_send", "/eventbus/x")) {
      JsonObject answer = post(path, "multipart/form-data; boundary=" + boundary, body);
      assertThat(answer.getInteger("status")).as(path).isBetween(400, 499);
      if (path.equals("/api/auth/token")) {
        // Not "'userId' is required": the caller sent a field, in a form (a route that needs a token
        // asks for it first).
        assertThat(answer.getJsonObject("body").getJsonObject("error").getString("message")).as(path)
          .isEqualTo("body must be JSON, not multipart/form-data");
      }
    }
    assertThat(filesIn(uploads)).isEqualTo(before);
  }

  @Test
  @DisplayName("reads a JSON body sent with a form's content type (curl -d) as JSON, however large within the limit")
  void takesJsonSentAsForm() throws Exception {
    String body = new JsonObject().put("userId", "fay").put("name", "Fay, 50% done").put("role", "learner")
      .put("note", "x".repeat(9_000) + "a&".repeat(300)).encode();
    JsonObject asJson = post("/api/auth/token", "application/json", body);
    JsonObject asForm = post("/api/auth/token", "application/x-www-form-urlencoded", body);
    assertThat(asJson.getInteger("status")).isEqualTo(200);
    assertThat(asForm.getInteger("status")).as("%s", asForm).isEqualTo(200);
    assertThat(asForm.getJsonObject("body").getString("token")).isNotBlank();
  }

  /** Stands in for the service of {@code address} until unregistered. */
  static MessageConsumer<JsonObject> service(Inbound address, Handler<Message<JsonObject>> handler) throws Exception {
    MessageConsumer<JsonObject> service = vertx.eventBus().localConsumer(address.address(), handler);
    service.completion().await(10, TimeUnit.SECONDS);
    return service;
  }

  /** {@code levels} arrays, one in the other. */
  private static JsonArray nested(int levels) {
    JsonArray outer = new JsonArray();
    JsonArray inner = outer;
    for (int i = 1; i < levels; i++) {
      JsonArray next = new JsonArray();
      inner.add(next);
      inner = next;
    }
    return outer;
  }

  @Test
  @DisplayName("refuses JSON nested more than 64 levels with 400 on the reply address, before any service sees it; a frame "
    + "that is not JSON is answered on its reply address when that much of it can be read")
  void refusesDeepJson() throws Exception {
    List<JsonObject> seen = new ArrayList<>();
    MessageConsumer<JsonObject> service = service(Inbound.NOTES_CREATE, m -> {
      seen.add(m.body());
      m.reply(new JsonObject());
    });
    try {
      BridgeClient ivy = client("ivy", "learner");
      // The frame is one level, its body two: data of 62 nested arrays is 64 levels deep.
      JsonObject within = await(ivy.request(Inbound.NOTES_CREATE.address(), new JsonObject().put("data", nested(62))));
      assertThat(within.getString("type")).as("%s", within).isEqualTo("rec");
      JsonObject deep = await(ivy.request(Inbound.NOTES_CREATE.address(), new JsonObject().put("data", nested(63))));
      assertThat(deep.getString("type")).isEqualTo("err");
      assertThat(deep.getInteger("failureCode")).isEqualTo(400);
      assertThat(deep.getString("body")).isEqualTo("invalid_json");
      assertThat(deep.getString("message")).isEqualTo("a frame nests more than 64 levels deep");
      assertThat(seen).hasSize(1);
      // Malformed after its reply address: answered there, not with a global error.
      ivy.writeRaw("{\"type\":\"send\",\"address\":\"notes.create\",\"replyAddress\":\"bad-1\",\"body\":{\"text\":}}");
      JsonObject malformed = await(ivy.next(f -> "bad-1".equals(f.getString("address"))));
      assertThat(malformed.getInteger("failureCode")).isEqualTo(400);
      assertThat(malformed.getString("message")).isEqualTo("a frame is not valid JSON");
      assertThat(seen).hasSize(1);
      // REST bodies: the same limit.
      JsonObject rest = post("/api/auth/token", "application/json",
        new JsonObject().put("userId", "ivy").put("extra", nested(64)).encode());
      assertThat(rest.getInteger("status")).isEqualTo(400);
      assertThat(rest.getJsonObject("body").getJsonObject("error").getString("message")).isEqualTo("body nests more than 64 levels deep");
    } finally {
      service.unregister().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("answers 500 on the reply address when a service's reply cannot be written as JSON")
  void answersUnwritableReply() throws Exception {
    JsonObject tooDeep = new JsonObject();
    JsonObject inner = tooDeep;
    for (int i = 0; i < 1100; i++) {
      JsonObject next = new JsonObject();
      inner.put("a", next);
      inner = next;
    }
    MessageConsumer<JsonObject> service = service(Inbound.NOTES_DELETE, m -> m.reply(tooDeep));
    try {
      BridgeClient jay = client("jay", "learner");
      JsonObject reply = await(jay.request(Inbound.NOTES_DELETE.address(), new JsonObject()));
      assertThat(reply.getString("type")).isEqualTo("err");
      assertThat(reply.getInteger("failureCode")).isEqualTo(500);
      assertThat(await(jay.request(Inbound.SESSION_HISTORY.address(), new JsonObject())).getString("type")).isEqualTo("rec");
      // Over REST too: DELETE /api/notes/{id} is a notes.delete.
      String token = BridgeClient.token(vertx, port, "jay", "Jay", "learner").await(10, TimeUnit.SECONDS);
      JsonObject rest = Clients.http(vertx, http -> http.request(new RequestOptions().setMethod(HttpMethod.DELETE)
          .setHost("127.0.0.1").setPort(port).setURI("/api/notes/n-1"))
        .compose(req -> req.putHeader("authorization", "Bearer " + token).send())
        .compose(resp -> resp.body().map(b -> new JsonObject().put("status", resp.statusCode())
        .put("body", b.length() > 0 && b.getByte(0) == '{' ? b.toJsonObject() : new JsonObject()))))
        .await(10, TimeUnit.SECONDS);
      assertThat(rest.getInteger("status")).isEqualTo(500);
      assertThat(rest.getJsonObject("body").getJsonObject("error").getString("message")).isEqualTo("internal error");
    } finally {
      service.unregister().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("serves SockJS's iframe page with the client from this node, no script from elsewhere")
  void iframeLoadsNothingFromElsewhere() throws Exception {
    String page = Clients.http(vertx, http -> http.request(new RequestOptions().setMethod(HttpMethod.GET)
        .setHost("127.0.0.1").setPort(port).setURI("/eventbus/iframe.html"))
      .compose(req -> req.send())
      .compose(resp -> resp.body().map(b -> b.toString()))).await(10, TimeUnit.SECONDS);
    assertThat(page).contains("src=\"/vendor/sockjs.min.js\"").doesNotContain("//cdn", "http:", "https:");
  }

  private JsonObject post(String path, String contentType, String body) throws Exception {
    return Clients.http(vertx, http -> http.request(new RequestOptions().setMethod(HttpMethod.POST)
        .setHost("127.0.0.1").setPort(port).setURI(path))
      .compose(req -> req.putHeader("content-type", contentType).send(body))
      .compose(resp -> resp.body().map(b -> new JsonObject().put("status", resp.statusCode())
        .put("body", b.length() > 0 && b.getByte(0) == '{' ? b.toJsonObject() : new JsonObject()))))
      .await(10, TimeUnit.SECONDS);
  }

  private static long filesIn(Path directory) throws Exception {
    if (!Files.isDirectory(directory)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files.count();
    }
  }

  @Test
  @DisplayName("answers malformed JSON, a missing or mistyped type or address, and a non-object body with 400 and the reason for each")
  void refusesMalformedFrames() throws Exception {
    BridgeClient ida = client("ida", "learner");
    ida.writeRaw("{not json");
    assertThat(await(ida.next(f -> "invalid_json".equals(f.getString("body")))).getInteger("failureCode")).isEqualTo(400);
    Map<String, JsonObject> frames = new LinkedHashMap<>();
    frames.put("missing_type", new JsonObject().put("address", "session.history"));
    frames.put("invalid_type", new JsonObject().put("type", 123).put("address", "session.history"));
    frames.put("missing_address", new JsonObject().put("type", "send"));
    frames.put("invalid_frame", new JsonObject().put("type", "send").put("address", 123));
    for (Map.Entry<String, JsonObject> frame : frames.entrySet()) {
      String replyAddress = "r-" + frame.getKey();
      ida.writeFrame(frame.getValue().put("replyAddress", replyAddress));
      JsonObject refused = await(ida.next(f -> replyAddress.equals(f.getString("address"))));
      assertThat(refused.getInteger("failureCode")).isEqualTo(400);
      assertThat(refused.getString("body")).as(frame.getValue().encode()).isEqualTo(frame.getKey());
    }
    assertThat(await(ida.requestWith(Inbound.SESSION_HISTORY.address(), "text", ida.headers())).getInteger("failureCode")).isEqualTo(400);
    assertThat(await(ida.request(Inbound.SESSION_HISTORY.address(), new JsonObject())).getString("type")).isEqualTo("rec");
  }
}
