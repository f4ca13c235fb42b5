package dev.skillbus.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.ClusterNode;
import dev.skillbus.protocol.Header;
import dev.skillbus.protocol.Inbound;
import dev.skillbus.testing.BridgeClient;
import dev.skillbus.testing.Clients;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The bridge guard")
class BridgeGuardTest {

  static final String SECRET = "guard-test-secret-0123456789";
  static ClusterNode node;
  static Vertx vertx;
  static int port;
  static MessageConsumer<JsonObject> echo;
  static String bridgeDeployment;

  @BeforeAll
  static void start() throws Exception {
    node = ClusterNode.start(new JsonObject().put("name", "guard-test").put("port", 5911)
      .put("members", new JsonArray().add("127.0.0.1:5911"))).await(60, TimeUnit.SECONDS);
    vertx = node.vertx();
    BridgeVerticle bridge = new BridgeVerticle();
    bridgeDeployment = vertx.deployVerticle(bridge, new DeploymentOptions().setConfig(config())).await(30, TimeUnit.SECONDS);
    port = bridge.actualPort();
    // Stands in for the session verticle: answers with the identity headers the guard stamped.
    echo = vertx.eventBus().localConsumer(Inbound.SESSION_HISTORY.address(), m -> m.reply(new JsonObject()
      .put("userId", m.headers().get(Header.USER_ID)).put("role", m.headers().get(Header.USER_ROLE))
      .put("connId", m.headers().get(Header.CONN_ID)).put("forged", m.headers().get("x-forged"))));
    echo.completion().await(10, TimeUnit.SECONDS);
  }

  static JsonObject config() {
    return new JsonObject().put("port", 0).put("host", "127.0.0.1").put("nodeId", "guard-node")
      .put("auth", new JsonObject().put("secret", SECRET))
      .put("maxFrameBytes", 2048).put("maxHandlersPerSocket", 3)
      .put("rateLimit", new JsonObject().put("perSecond", 20).put("burst", 20).put("closeAfterRefusals", 30))
      .put("cors", new JsonObject().put("origins", new JsonArray().add("https://*.example.app").add("https://coach.example.com")));
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.undeploy(bridgeDeployment).await(30, TimeUnit.SECONDS);
    node.close().await(30, TimeUnit.SECONDS);
  }

  static BridgeClient client(String userId, String role) throws Exception {
    return BridgeClient.connectAs(vertx, port, userId, role).await(10, TimeUnit.SECONDS);
  }

  static JsonObject await(io.vertx.core.Future<JsonObject> f) throws Exception {
    return f.await(10, TimeUnit.SECONDS);
  }

  static String signed(String secret, JsonObject claims) {
    JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    return jwt.generateToken(claims, new JWTOptions().setAlgorithm("HS256"));
  }

  @Test
  @DisplayName("stamps the verified identity and drops headers the client made up")
  void stampsIdentity() throws Exception {
    BridgeClient alice = client("alice", "instructor");
    JsonObject forged = alice.headers().put(Header.USER_ID, "mallory").put(Header.USER_ROLE, "admin").put("x-forged", "1");
    JsonObject reply = await(alice.requestWith(Inbound.SESSION_HISTORY.address(), new JsonObject(), forged));
    assertThat(reply.getString("type")).isEqualTo("rec");
    assertThat(reply.getJsonObject("body").getString("userId")).isEqualTo("alice");
    assertThat(reply.getJsonObject("body").getString("role")).isEqualTo("instructor");
    assertThat(reply.getJsonObject("body").getString("connId")).startsWith("guard-no-");
    assertThat(reply.getJsonObject("body").getString("forged")).isNull();
  }

  @Test
  @DisplayName("answers a request without a token with 401 on its reply address")
  void refusesMissingToken() throws Exception {
    BridgeClient anonymous = BridgeClient.connect(vertx, port, null).await(10, TimeUnit.SECONDS);
    JsonObject reply = await(anonymous.request(Inbound.SESSION_HISTORY.address(), new JsonObject()));
    assertThat(reply.getString("type")).isEqualTo("err");
    assertThat(reply.getInteger("failureCode")).isEqualTo(401);
  }

  @Test
  @DisplayName("refuses a token signed with another secret with 401")
  void refusesBadSignature() throws Exception {
    String token = signed("some-other-secret-0123456789", new JsonObject().put("sub", "eve").put("role", "admin"));
    BridgeClient eve = BridgeClient.connect(vertx, port, token).await(10, TimeUnit.SECONDS);
    assertThat(await(eve.request(Inbound.SESSION_HISTORY.address(), new JsonObject())).getInteger("failureCode")).isEqualTo(401);
  }

  @Test
  @DisplayName("refuses an expired token with 401")
  void refusesExpiredToken() throws Exception {
    long past = System.currentTimeMillis() / 1000 - 120;
    String token = signed(SECRET, new JsonObject().put("sub", "bob").put("role", "learner").put("exp", past));
    BridgeClient bob = BridgeClient.connect(vertx, port, token).await(10, TimeUnit.SECONDS);
    assertThat(await(bob.request(Inbound.SESSION_HISTORY.address(), new JsonObject())).getInteger("failureCode")).isEqualTo(401);
  }

  @Test
  @DisplayName("takes a token its issuer's clock, up to the leeway ahead, says was issued in the node's future")
  void takesTokenFromAClockAhead() throws Exception {
    long now = System.currentTimeMillis() / 1000;
    String ahead = signed(SECRET, new JsonObject().put("sub", "cleo").put("role", "learner")
      .put("iat", now + 20).put("nbf", now + 20).put("exp", now + 3600));
    BridgeClient cleo = BridgeClient.connect(vertx, port, ahead).await(10, TimeUnit.SECONDS);
    assertThat(await(cleo.request(Inbound.SESSION_HISTORY.address(), new JsonObject())).getJsonObject("body").getString("userId"))
      .isEqualTo("cleo");
    String tooFar = signed(SECRET, new JsonObject().put("sub", "dora").put("role", "learner")
      .put("iat", now + 120).put("exp", now + 3600));
    BridgeClient dora = BridgeClient.connect(vertx, port, tooFar).await(10, TimeUnit.SECONDS);
    assertThat(await(dora.request(Inbound.SESSION_HISTORY.address(), new JsonObject())).getInteger("failureCode")).isEqualTo(401);
  }

  @Test
  @DisplayName("refuses a token whose role is not one of skillbus's roles with 401")
  void refusesUnknownRole() throws Exception {
    String token = signed(SECRET, new JsonObject().put("sub", "bob").put("role", "superuser"));
    BridgeClient bob = BridgeClient.connect(vertx, port, token).await(10, TimeUnit.SECONDS);
    assertThat(await(bob.request(Inbound.SESSION_HISTORY.address(), new JsonObject())).getInteger("failureCode")).isEqualTo(401);
  }

  @Test
  @DisplayName("refuses a register on another user's address with 403 on that address")
  void refusesOtherUsersAddress() throws Exception {
    BridgeClient carol = client("carol", "learner");
    carol.register("user.dave");
    JsonObject err = await(carol.next(f -> "err".equals(f.getString("type"))));
    assertThat(err.getString("address")).isEqualTo("user.dave");
    assertThat(err.getInteger("failureCode")).isEqualTo(403);
    assertThat(err.getString("body")).isEqualTo("access_denied");
  }

  @Test
  @DisplayName("delivers on the caller's own user address")
  void deliversOwnUserAddress() throws Exception {
    BridgeClient erin = client("erin", "learner");
    erin.register("user.erin");
    // The registration is in place once a later request has been answered.
    await(erin.request(Inbound.SESSION_HISTORY.address(), new JsonObject()));
    vertx.eventBus().publish("user.erin", new JsonObject().put("event", "notification").put("data", new JsonObject()).toBuffer());
    assertThat(await(erin.event("user.erin", "notification")).getString("event")).isEqualTo("notification");
  }

  @Test
  @DisplayName("refuses sending to an address outside the allow-list with 403")
  void refusesUnknownAddress() throws Exception {
    BridgeClient frank = client("frank", "admin");
    for (String address : new String[] {"skillbus.internal.connection-closed", "room.abc", "__vertx.subs", "session.*"}) {
      JsonObject reply = await(frank.request(address, new JsonObject()));
      assertThat(reply.getInteger("failureCode")).as(address).isEqualTo(403);
    }
  }

  @Test
  @DisplayName("refuses publish frames with 403")
  void refusesPublish() throws Exception {
    BridgeClient gina = client("gina", "learner");
    gina.writeFrame(new JsonObject().put("type", "publish").put("address", "session.cursor").put("body", new JsonObject())
      .put("headers", gina.headers()));
    assertThat(await(gina.next(f -> "err".equals(f.getString("type")))).getInteger("failureCode")).isEqualTo(403);
  }

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
  @DisplayName("writes no file of a multipart request to disk, whatever its path and token")
  void takesNoFileUploads() throws Exception {
    Path uploads = Path.of(BodyHandler.DEFAULT_UPLOADS_DIRECTORY);
    long before = filesIn(uploads);
    String boundary = "skillbus-test-boundary";
    String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"blob.bin\"\r\n"
      + "Content-Type: application/octet-stream\r\n\r\n" + "x".repeat(30_000) + "\r\n--" + boundary + "--\r\n";
    for (String path : List.of("/api/auth/token", "/api/courses/generate", "/socket/rooms", "/eventbus/000/abc/xhr_send", "/eventbus/x")) {
      int status = Clients.http(vertx, http -> http.request(new RequestOptions().setMethod(HttpMethod.POST)
          .setHost("127.0.0.1").setPort(port).setURI(path))
        .compose(req -> req.putHeader("content-type", "multipart/form-data; boundary=" + boundary).send(body))
        .compose(resp -> resp.body().map(b -> resp.statusCode()))).await(10, TimeUnit.SECONDS);
      assertThat(status).as(path).isBetween(400, 499);
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
        .compose(resp -> resp.body().map(b -> new JsonObject().put("status", resp.statusCode()).put("body", b.toJsonObject()))))
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
      .compose(resp -> resp.body().map(b -> new JsonObject().put("status", resp.statusCode()).put("body", b.toJsonObject()))))
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
  @DisplayName("answers malformed JSON, a missing type or address, and a non-object body with 400")
  void refusesMalformedFrames() throws Exception {
    BridgeClient ida = client("ida", "learner");
    ida.writeRaw("{not json");
    assertThat(await(ida.next(f -> "invalid_json".equals(f.getString("body")))).getInteger("failureCode")).isEqualTo(400);
    ida.writeFrame(new JsonObject().put("address", "session.history").put("replyAddress", "r1"));
    assertThat(await(ida.next(f -> "r1".equals(f.getString("address")))).getInteger("failureCode")).isEqualTo(400);
    ida.writeFrame(new JsonObject().put("type", "send").put("replyAddress", "r2"));
    assertThat(await(ida.next(f -> "r2".equals(f.getString("address")))).getInteger("failureCode")).isEqualTo(400);
    assertThat(await(ida.requestWith(Inbound.SESSION_HISTORY.address(), "text", ida.headers())).getInteger("failureCode")).isEqualTo(400);
    assertThat(await(ida.request(Inbound.SESSION_HISTORY.address(), new JsonObject())).getString("type")).isEqualTo("rec");
  }

  @Test
  @DisplayName("limits the handlers one socket may register, with 429")
  void limitsHandlers() throws Exception {
    BridgeClient jack = client("jack", "learner");
    for (int i = 0; i < 3; i++) {
      jack.register("room.limit-" + i);
    }
    jack.register("room.limit-3");
    JsonObject err = await(jack.next(f -> "err".equals(f.getString("type"))));
    assertThat(err.getString("address")).isEqualTo("room.limit-3");
    assertThat(err.getInteger("failureCode")).isEqualTo(429);
    assertThat(err.getString("body")).isEqualTo("rate_limited");
  }

  @Test
  @DisplayName("answers a flooding socket with 429, then closes it")
  void closesFloodingSocket() throws Exception {
    BridgeClient kim = client("kim", "learner");
    List<Future<JsonObject>> replies = new ArrayList<>();
    for (int i = 0; i < 80; i++) {
      replies.add(kim.request(Inbound.SESSION_HISTORY.address(), new JsonObject()));
    }
    assertThat(kim.closed().await(10, TimeUnit.SECONDS)).isEqualTo((short) 4029);
    long limited = replies.stream()
      .filter(f -> f.succeeded() && Integer.valueOf(429).equals(f.result().getInteger("failureCode"))).count();
    assertThat(limited).isGreaterThan(0);
  }

  @Test
  @DisplayName("refuses a token for another user on a socket that started as someone else, with 403")
  void refusesUserSwitch() throws Exception {
    BridgeClient lee = client("lee", "learner");
    await(lee.request(Inbound.SESSION_HISTORY.address(), new JsonObject()));
    String otherToken = BridgeClient.token(vertx, port, "mo", "Mo", "admin").await(10, TimeUnit.SECONDS);
    JsonObject headers = new JsonObject().put("authorization", "Bearer " + otherToken);
    assertThat(await(lee.requestWith(Inbound.SESSION_HISTORY.address(), new JsonObject(), headers)).getInteger("failureCode")).isEqualTo(403);
  }
}
