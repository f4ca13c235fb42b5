package dev.skillbus.bridge;

import static dev.skillbus.testing.Servers.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.Skillbus;
import dev.skillbus.testing.BridgeClient;
import dev.skillbus.testing.Clients;
import dev.skillbus.testing.Servers;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A connection that presents no valid token, or whose token expired")
class BridgeAuthTimeoutTest {

  static final String CLUSTER = "auth-timeout-test";
  static final long AUTH_TIMEOUT_MS = 600;
  static final long PING_EVERY_MS = 100;
  static final JsonObject PING = new JsonObject().put("type", "ping");
  static final JsonObject ANY_ROOM = new JsonObject().put("sessionId", "none");
  static Skillbus node;
  static Vertx vertx;

  @BeforeAll
  static void start() throws Exception {
    JsonObject config = Servers.config(CLUSTER, 5901, 5901, 5901);
    config.getJsonObject("bridge").put("authTimeoutMs", AUTH_TIMEOUT_MS);
    // Tokens here expire within seconds, and sockets are to close right then.
    config.getJsonObject("bridge").getJsonObject("auth").put("leewaySeconds", 0);
    node = Servers.start(config);
    vertx = node.node().vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close().await(30, TimeUnit.SECONDS);
  }

  /** Pings for the client until the returned timer is cancelled: silence never closes it here. */
  static long pinging(BridgeClient client) {
    return vertx.setPeriodic(PING_EVERY_MS, id -> client.writeFrame(PING));
  }

  @Test
  @DisplayName("is closed with 4001 once the limit passed, however often it pings, after an err frame saying why")
  void closedWhenNoTokenCame() throws Exception {
    long started = System.nanoTime();
    BridgeClient anonymous = await(BridgeClient.connect(vertx, node.port(), null));
    long timer = pinging(anonymous);
    try {
      assertThat(await(anonymous.closed())).isEqualTo((short) ConnectionSweep.NO_TOKEN);
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isGreaterThanOrEqualTo(AUTH_TIMEOUT_MS);
      JsonObject notice = await(anonymous.next(f -> "err".equals(f.getString("type"))));
      assertThat(notice.getInteger("failureCode")).isEqualTo(401);
      assertThat(notice.getString("body")).isEqualTo(ConnectionSweep.NO_TOKEN_REASON);
      assertThat(notice.containsKey("address")).isFalse();
    } finally {
      vertx.cancelTimer(timer);
    }
  }

  @Test
  @DisplayName("is closed all the same when the tokens it sent were refused")
  void invalidTokenIsNoToken() throws Exception {
    BridgeClient forger = await(BridgeClient.connect(vertx, node.port(), "not-a-valid-token"));
    long timer = pinging(forger);
    try {
      JsonObject refused = await(forger.request("session.leave", ANY_ROOM));
      assertThat(refused.getInteger("failureCode")).isEqualTo(401);
      assertThat(await(forger.closed())).isEqualTo((short) ConnectionSweep.NO_TOKEN);
    } finally {
      vertx.cancelTimer(timer);
    }
  }

  @Test
  @DisplayName("that presented one once stays open past the limit, answered, while it only pings")
  void authenticatedStaysOpen() throws Exception {
    BridgeClient member = await(BridgeClient.connectAs(vertx, node.port(), "early", "learner"));
    await(member.call("session.leave", ANY_ROOM));
    long memberPings = pinging(member);
    // Opened after the member: once the sweep closed it, the member was past the limit in that sweep too.
    BridgeClient anonymous = await(BridgeClient.connect(vertx, node.port(), null));
    long anonymousPings = pinging(anonymous);
    try {
      assertThat(await(anonymous.closed())).isEqualTo((short) ConnectionSweep.NO_TOKEN);
      assertThat(await(member.call("session.leave", ANY_ROOM)).getString("sessionId")).isEqualTo("none");
      assertThat(member.closed().isComplete()).isFalse();
    } finally {
      vertx.cancelTimer(memberPings);
      vertx.cancelTimer(anonymousPings);
      await(member.close());
    }
  }

  @Test
  @DisplayName("on a SockJS transport gets the err frame saying why before SockJS's own close frame")
  void sockJsClientLearnsWhy() throws Exception {
    Clients.Connected connected = await(Clients.websocket(vertx, new WebSocketConnectOptions()
      .setHost("127.0.0.1").setPort(node.port()).setURI("/eventbus/000/anonymous/websocket")));
    List<String> frames = new CopyOnWriteArrayList<>();
    Promise<Void> closeFrame = Promise.promise();
    connected.socket().textMessageHandler(text -> {
      frames.add(text);
      if (text.startsWith("c[")) {
        closeFrame.tryComplete();
      }
    });
    String ping = new JsonArray().add(PING.encode()).encode();
    long timer = vertx.setPeriodic(PING_EVERY_MS, id -> connected.socket().writeTextMessage(ping));
    try {
      await(closeFrame.future());
      String notice = frames.stream().filter(f -> f.startsWith("a[")).findFirst().orElseThrow(() -> new AssertionError(frames.toString()));
      JsonObject frame = new JsonObject(new JsonArray(notice.substring(1)).getString(0));
      assertThat(frame.getString("type")).isEqualTo("err");
      assertThat(frame.getString("body")).isEqualTo(ConnectionSweep.NO_TOKEN_REASON);
      assertThat(frames.indexOf(notice)).isLessThan(frames.size() - 1);
    } finally {
      vertx.cancelTimer(timer);
      Clients.closeClient(connected.client());
    }
  }

  /** A token of the node's secret for {@code userId}, valid until {@code expiresAt} (epoch seconds). */
  static String tokenUntil(String userId, long expiresAt) {
    JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(CLUSTER + "-secret-0123456789")));
    return jwt.generateToken(new JsonObject().put("sub", userId).put("role", "learner").put("exp", expiresAt),
      new JWTOptions().setAlgorithm("HS256"));
  }

  /**
   * Epoch seconds five to six seconds from now: time for a test's connects, registrations and
   * first requests on a busy machine before the token runs out.
   */
  static long soon() {
    return System.currentTimeMillis() / 1000 + 6;
  }

  static JsonObject pingWith(String token) {
    return PING.copy().put("headers", new JsonObject().put("authorization", "Bearer " + token));
  }

  /** Registers on the client's own user address; done once a later request has been answered. */
  static void listenOnOwnAddress(BridgeClient client, String userId) throws Exception {
    client.register("user." + userId);
    await(client.call("session.leave", ANY_ROOM));
  }

  /** Whether the client still receives what is sent to its user address. */
  static JsonObject notifyAndReceive(BridgeClient client, String userId) throws Exception {
    vertx.eventBus().publish("user." + userId, new JsonObject().put("event", "notification").put("data", new JsonObject()).toBuffer());
    return await(client.event("user." + userId, "notification"));
  }

  @Test
  @DisplayName("whose token expired is closed with 4001 however often it pings, after an err frame saying why")
  void closedWhenTokenExpired() throws Exception {
    long expiresAt = soon();
    BridgeClient listener = await(BridgeClient.connect(vertx, node.port(), tokenUntil("lou", expiresAt)));
    listenOnOwnAddress(listener, "lou");
    long timer = pinging(listener);
    try {
      notifyAndReceive(listener, "lou");
      assertThat(await(listener.closed())).isEqualTo((short) ConnectionSweep.NO_TOKEN);
      assertThat(System.currentTimeMillis()).isGreaterThanOrEqualTo(expiresAt * 1000);
      JsonObject notice = await(listener.next(f -> "err".equals(f.getString("type")) && !f.containsKey("address")));
      assertThat(notice.getInteger("failureCode")).isEqualTo(401);
      assertThat(notice.getString("body")).isEqualTo(ConnectionSweep.TOKEN_EXPIRED_REASON);
    } finally {
      vertx.cancelTimer(timer);
    }
  }

  @Test
  @DisplayName("whose token expires stays open, receiving, once a ping carried a newer token for the same user")
  void pingRenewsTheToken() throws Exception {
    long expiresAt = soon();
    BridgeClient renewing = await(BridgeClient.connect(vertx, node.port(), tokenUntil("max", expiresAt)));
    BridgeClient lapsing = await(BridgeClient.connect(vertx, node.port(), tokenUntil("ned", expiresAt)));
    listenOnOwnAddress(renewing, "max");
    listenOnOwnAddress(lapsing, "ned");
    renewing.writeFrame(pingWith(await(BridgeClient.token(vertx, node.port(), "max", "Max", "learner"))));
    long renewingPings = pinging(renewing);
    long lapsingPings = pinging(lapsing);
    try {
      assertThat(await(lapsing.closed())).isEqualTo((short) ConnectionSweep.NO_TOKEN);
      // Had the sweep that closed the other closed this one too, nothing would reach it now.
      assertThat(notifyAndReceive(renewing, "max").getString("event")).isEqualTo("notification");
    } finally {
      vertx.cancelTimer(renewingPings);
      vertx.cancelTimer(lapsingPings);
      await(renewing.close());
    }
  }

  @Test
  @DisplayName("gets a socket-wide 403 for a ping carrying another user's token, its pong alone on the ping's reply address, and stays who it was")
  void pingWithAnotherUsersTokenIsRefused() throws Exception {
    BridgeClient olive = await(BridgeClient.connectAs(vertx, node.port(), "olive", "learner"));
    listenOnOwnAddress(olive, "olive");
    try {
      String patsToken = await(BridgeClient.token(vertx, node.port(), "pat", "Pat", "instructor"));
      olive.writeFrame(pingWith(patsToken).put("replyAddress", "olive-ping"));
      JsonObject refused = await(olive.next(f -> "err".equals(f.getString("type"))));
      assertThat(refused.getString("address")).as("the refusal is socket-wide").isNull();
      assertThat(refused.getInteger("failureCode")).isEqualTo(403);
      assertThat(refused.getString("body")).isEqualTo("access_denied");
      assertThat(await(olive.next(f -> "olive-ping".equals(f.getString("address")))).getJsonObject("body").getBoolean("pong"))
        .isTrue();
      // Every frame about the ping came before a later request's reply: none more on its address.
      await(olive.call("session.leave", ANY_ROOM));
      assertThat(olive.next(f -> "olive-ping".equals(f.getString("address"))).isComplete()).isFalse();
      olive.writeFrame(pingWith("not-a-valid-token"));
      assertThat(await(olive.next(f -> "err".equals(f.getString("type")))).getInteger("failureCode")).isEqualTo(401);
      assertThat(notifyAndReceive(olive, "olive").getString("event")).isEqualTo("notification");
      assertThat(await(olive.call("session.leave", ANY_ROOM)).getString("sessionId")).isEqualTo("none");
    } finally {
      await(olive.close());
    }
  }
}
