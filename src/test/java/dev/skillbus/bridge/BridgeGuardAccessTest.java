package dev.skillbus.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.protocol.Header;
import dev.skillbus.protocol.Inbound;
import dev.skillbus.testing.BridgeClient;
import io.vertx.core.Future;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Who a socket's user is and what the socket may do: the tokens the guard takes and refuses, the
 * identity it stamps, the addresses it allows, and its limits on handlers and on a flooding socket.
 */
@DisplayName("The bridge guard: tokens, addresses and rate limits")
class BridgeGuardAccessTest extends BridgeGuardFixture {

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
  @DisplayName("stamps on a request any node may serve when the bridge stops waiting for it, never the client's value")
  void stampsDeadline() throws Exception {
    MessageConsumer<JsonObject> service = vertx.eventBus().localConsumer(Inbound.COURSE_STATUS.address(),
      m -> m.reply(new JsonObject().put("deadline", m.headers().get(Header.DEADLINE))));
    try {
      service.completion().await(10, TimeUnit.SECONDS);
      BridgeClient bea = client("bea", "learner");
      JsonObject forged = bea.headers().put(Header.DEADLINE, "1");
      long before = System.currentTimeMillis();
      JsonObject reply = await(bea.requestWith(Inbound.COURSE_STATUS.address(), new JsonObject(), forged));
      long after = System.currentTimeMillis();
      String[] stamped = reply.getJsonObject("body").getString("deadline").split(";");
      assertThat(stamped[1]).as("the time the bridge waits").isEqualTo("10000");
      long deadline = Long.parseLong(stamped[0]);
      // The bridge's request timeout is the default, 10 s.
      assertThat(deadline).isBetween(before + 10_000, after + 10_000);
    } finally {
      service.unregister().await(10, TimeUnit.SECONDS);
    }
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
  @DisplayName("refuses a register on a malformed room or user address with 400 on that address, naming the rule")
  void refusesMalformedAddresses() throws Exception {
    BridgeClient fay = client("fay", "learner");
    for (String address : List.of("room.bad room!", "room.", "user.", "user.bad user!")) {
      fay.register(address);
      JsonObject err = await(fay.next(f -> "err".equals(f.getString("type")) && address.equals(f.getString("address"))));
      assertThat(err.getInteger("failureCode")).as(address).isEqualTo(400);
      assertThat(err.getString("body")).isEqualTo("invalid_frame");
      assertThat(err.getString("message")).contains(address.startsWith("room.") ? "[A-Za-z0-9_-]{1,128}" : "[A-Za-z0-9_.@-]{1,128}");
    }
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
