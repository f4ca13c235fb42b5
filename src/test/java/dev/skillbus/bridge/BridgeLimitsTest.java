package dev.skillbus.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.ClusterNode;
import dev.skillbus.auth.RoomRules;
import dev.skillbus.ops.Metrics;
import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.Header;
import dev.skillbus.protocol.Inbound;
import dev.skillbus.testing.BridgeClient;
import dev.skillbus.testing.Clients;
import dev.skillbus.testing.Eventually;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The bridge's limits, CORS and token endpoint")
class BridgeLimitsTest {

  static ClusterNode node;
  static Vertx vertx;
  static int port;
  static String deployment;
  static final Metrics metrics = Metrics.create();
  /** The close code of a client too slow. */
  static final Short TOO_SLOW = 4008;
  static final long PING_TIMEOUT_MS = 800;
  static final long REPLY_BACKLOG = 16L * 1024 * 1024;

  @BeforeAll
  static void start() throws Exception {
    node = ClusterNode.start(new JsonObject().put("name", "limits-test").put("port", 5971)
      .put("members", new JsonArray().add("127.0.0.1:5971"))).await(60, TimeUnit.SECONDS);
    vertx = node.vertx();
    BridgeVerticle bridge = new BridgeVerticle(metrics, RoomRules.open(), List::of);
    JsonObject config = new JsonObject().put("port", 0).put("host", "127.0.0.1").put("nodeId", "limits-node")
      .put("auth", new JsonObject().put("secret", "limits-test-secret-12345"))
      .put("pingTimeoutMs", PING_TIMEOUT_MS).put("slowSocketMaxBytes", 256 * 1024).put("replyBacklogMaxBytes", REPLY_BACKLOG)
      .put("cors", new JsonObject().put("origins", new JsonArray().add("https://*.example.app")));
    deployment = vertx.deployVerticle(bridge, new DeploymentOptions().setConfig(config)).await(30, TimeUnit.SECONDS);
    port = bridge.actualPort();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.undeploy(deployment).await(30, TimeUnit.SECONDS);
    node.close().await(30, TimeUnit.SECONDS);
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.await(15, TimeUnit.SECONDS);
  }

  /**
   * Completes with the id of the next connection of {@code userId} this node's bridge reports
   * closed: an earlier test's socket may still be closing when a test begins.
   */
  static Future<String> nextClosed(String userId) {
    Promise<String> closed = Promise.promise();
    var consumer = vertx.eventBus().<JsonObject>localConsumer(Address.CONNECTION_CLOSED);
    consumer.handler(m -> {
      if (userId.equals(m.headers().get(Header.USER_ID))) {
        closed.tryComplete(m.body().getString("connId"));
      }
    });
    // Unregistered only once registered: unregistering sooner fails the registration.
    return consumer.completion().compose(v -> closed.future()).andThen(ar -> consumer.unregister());
  }

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
      .compose(BridgeLimitsTest::read));
  }

  @Test
  @DisplayName("closes a connection that sends nothing for the ping timeout, and keeps one that pings")
  void pingTimeout() throws Exception {
    BridgeClient silent = await(BridgeClient.connectAs(vertx, port, "quiet", "learner"));
    BridgeClient pinging = await(BridgeClient.connectAs(vertx, port, "chatty", "learner"));
    long periodic = vertx.setPeriodic(200, id -> pinging.writeFrame(new JsonObject().put("type", "ping")));
    try {
      assertThat(await(silent.closed())).isEqualTo((short) 4000);
      assertThat(pinging.closed().isComplete()).isFalse();
    } finally {
      vertx.cancelTimer(periodic);
      pinging.close();
    }
  }

  @Test
  @DisplayName("closes a client that stops reading instead of buffering for it without limit")
  void slowConsumer() throws Exception {
    assertClosedWhenItStopsReading("/eventbus/websocket", frame -> frame, TOO_SLOW, BridgeLimitsTest::floodUntilClosed);
  }

  @Test
  @DisplayName("counts what a stalled client is behind in bytes: a few large frames are enough to close it")
  void slowConsumerOfLargeFrames() throws Exception {
    // 400 frames of 60 KB: far more than the kernel's buffers take, far fewer frames than a bound in
    // frames would need to be sure of a client's memory.
    Buffer big = new JsonObject().put("event", "message").put("data", new JsonObject().put("text", "x".repeat(60_000))).toBuffer();
    assertClosedWhenItStopsReading("/eventbus/websocket", frame -> frame, TOO_SLOW, (room, closed) -> {
      for (int i = 0; i < 400; i++) {
        vertx.eventBus().publish(room, big);
      }
    });
  }

  @Test
  @DisplayName("replies do not close a client that asked for them, far past the bound on events")
  void largeRepliesDoNotCountAsSlow() throws Exception {
    var history = answerHistoryWith200Kb();
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
      .setMaxFrameSize(1024 * 1024).setMaxMessageSize(1024 * 1024));
    try {
      await(history.completion());
      WebSocket socket = await(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/eventbus/websocket")));
      String token = await(BridgeClient.token(vertx, port, "reader", "Reader", "learner"));
      int requests = 60;
      Promise<Void> allAnswered = Promise.promise();
      int[] answered = {0};
      socket.textMessageHandler(text -> {
        if (text.contains("\"hist-") && ++answered[0] == requests) {
          allAnswered.complete();
        }
      });
      socket.pause();
      double framesOutBefore = framesOut();
      // 12 MB of replies: far past the kernel's buffers and the 256 KB bound while it does not read.
      for (int i = 0; i < requests; i++) {
        socket.writeTextMessage(new JsonObject().put("type", "send").put("address", Inbound.SESSION_HISTORY.address())
          .put("replyAddress", "hist-" + i).put("body", new JsonObject().put("sessionId", "r").put("since", 0))
          .put("headers", new JsonObject().put("authorization", "Bearer " + token)).encode());
      }
      // Every reply written while it still does not read; then it reads them all.
      Eventually.holds(vertx, 20, 10_000, () -> Future.succeededFuture(framesOut() >= framesOutBefore + requests)).await();
      socket.resume();
      await(allAnswered.future());
    } finally {
      history.unregister();
      client.close();
    }
  }

  /** Takes the session service's place, answering each history read with 200 KB. */
  static MessageConsumer<JsonObject> answerHistoryWith200Kb() throws Exception {
    JsonObject page = new JsonObject().put("events", new JsonArray().add("h".repeat(200_000)));
    var history = vertx.eventBus().<JsonObject>localConsumer(Inbound.SESSION_HISTORY.address(), m -> m.reply(page));
    await(history.completion());
    return history;
  }

  @Test
  @DisplayName("closes a client that keeps asking while more than replyBacklogMaxBytes of replies wait for it to read")
  void requestsWithoutReadingClose() throws Exception {
    var history = answerHistoryWith200Kb();
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
      .setMaxFrameSize(1024 * 1024).setMaxMessageSize(1024 * 1024));
    try {
      WebSocket socket = await(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/eventbus/websocket")));
      String user = "asker-" + UUID.randomUUID();
      String token = await(BridgeClient.token(vertx, port, user, "Asker", "learner"));
      Promise<Short> socketClosed = Promise.promise();
      socket.closeHandler(v -> socketClosed.tryComplete(socket.closeStatusCode()));
      Future<String> closed = nextClosed(user);
      socket.pause();
      // One request every 5 ms (within the rate limit), each answered with 200 KB, until the server
      // closes the socket; 400 of them would be 80 MB.
      int[] sent = {0};
      long asking = vertx.setPeriodic(5, id -> {
        if (sent[0]++ < 400 && !closed.isComplete()) {
          socket.writeTextMessage(new JsonObject().put("type", "send").put("address", Inbound.SESSION_HISTORY.address())
            .put("replyAddress", "ask-" + sent[0]).put("body", new JsonObject().put("sessionId", "r").put("since", 0))
            .put("headers", new JsonObject().put("authorization", "Bearer " + token)).encode());
        }
      });
      try {
        assertThat(await(closed)).startsWith("limits-");
      } finally {
        vertx.cancelTimer(asking);
      }
      socket.resume();
      assertThat(await(socketClosed.future())).isEqualTo(TOO_SLOW);
    } finally {
      history.unregister();
      client.close();
    }
  }

  @Test
  @DisplayName("closes a SockJS WebSocket client that stops reading too")
  void slowSockJsConsumer() throws Exception {
    // Behind that much unsent data, the SockJS session's own close frame does not reach the client.
    assertClosedWhenItStopsReading("/eventbus/000/slowsession/websocket", frame -> new JsonArray().add(frame).encode(),
      null, BridgeLimitsTest::floodUntilClosed);
  }

  static double framesOut() {
    return metrics.registry().find("skillbus.messages.out").functionCounter().count();
  }

  /** Publishes one event of 4 KB to the room per tick (whatever a transport queues per turn is written out each time). */
  static void floodUntilClosed(String room, Future<String> closed) {
    Buffer event = new JsonObject().put("event", "message").put("data", new JsonObject().put("text", "x".repeat(4_000))).toBuffer();
    long timer = vertx.setPeriodic(1, id -> vertx.eventBus().publish(room, event));
    closed.onComplete(ar -> vertx.cancelTimer(timer));
  }

  /**
   * A client on {@code uri} (its frames framed by {@code framing}) registers on a room and stops
   * reading, while it keeps pinging so that nothing but being behind closes it; {@code flood} then
   * publishes to the room, and the server must close the client's socket, with {@code closeCode}
   * when it is not null.
   */
  static void assertClosedWhenItStopsReading(String uri, UnaryOperator<String> framing, Short closeCode,
                                             BiConsumer<String, Future<String>> flood) throws Exception {
    String room = "room.flood-" + UUID.randomUUID();
    Clients.Connected connected = await(Clients.websocket(vertx, new WebSocketConnectOptions()
      .setHost("127.0.0.1").setPort(port).setURI(uri)));
    var socket = connected.socket();
    String user = "slow-" + UUID.randomUUID();
    String token = await(BridgeClient.token(vertx, port, user, "Slow", "learner"));
    socket.writeTextMessage(framing.apply(new JsonObject().put("type", "register").put("address", room)
      .put("headers", new JsonObject().put("authorization", "Bearer " + token)).encode()));
    Promise<Void> registered = Promise.promise();
    socket.textMessageHandler(text -> {
      if (text.contains("marker")) {
        registered.tryComplete();
      }
    });
    // The close must be this socket's own.
    Promise<Short> socketClosed = Promise.promise();
    socket.closeHandler(v -> socketClosed.tryComplete(socket.closeStatusCode()));
    Buffer marker = new JsonObject().put("event", "marker").toBuffer();
    long marking = vertx.setPeriodic(20, id -> vertx.eventBus().publish(room, marker));
    await(registered.future().onComplete(ar -> vertx.cancelTimer(marking)));
    String ping = framing.apply(new JsonObject().put("type", "ping").encode());
    long pinging = vertx.setPeriodic(PING_TIMEOUT_MS / 4, id -> socket.writeTextMessage(ping));
    socket.pause();
    Future<String> closed = nextClosed(user);
    try {
      flood.accept(room, closed);
      assertThat(await(closed)).startsWith("limits-");
      socket.resume();
      Short code = await(socketClosed.future());
      if (closeCode != null) {
        assertThat(code).isEqualTo(closeCode);
      }
    } finally {
      vertx.cancelTimer(pinging);
      socket.resume();
      Clients.closeClient(connected.client());
    }
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
      .compose(r -> r.send()).compose(BridgeLimitsTest::read)));
    assertThat(sockJsInfo.status()).isEqualTo(403);
  }

  /** One SockJS request of session {@code session}: {@code POST /eventbus/000/<session>/<path>}. */
  static Response sockJs(String session, String path, String body) throws Exception {
    return await(Clients.http(vertx, http -> http.request(new RequestOptions().setMethod(HttpMethod.POST)
      .setHost("127.0.0.1").setPort(port).setURI("/eventbus/000/" + session + "/" + path))
      .compose(r -> body == null ? r.send() : r.send(body)).compose(BridgeLimitsTest::read)));
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
        .setHost("127.0.0.1").setPort(port).setURI("/api/auth/token")).compose(r -> r.send(text)).compose(BridgeLimitsTest::read)));
      assertThat(notAnObject.status()).as(text).isEqualTo(400);
      assertThat(new JsonObject(notAnObject.body()).getJsonObject("error").getInteger("code")).as(text).isEqualTo(400);
    }
  }
}
