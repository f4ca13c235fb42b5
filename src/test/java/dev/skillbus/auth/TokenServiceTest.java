package dev.skillbus.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.ProtocolException;
import dev.skillbus.protocol.Role;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A token")
class TokenServiceTest {

  static final String LONG_ID = "u".repeat(128);
  static Vertx vertx;
  static TokenService tokens;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    tokens = new TokenService(vertx, new JsonObject().put("secret", "a-test-secret-of-some-length"));
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  @DisplayName("service without a secret (SKILLBUS_DEV=false, no JWT_SECRET) does not start, saying the secret is required; a short one, that it is short")
  void secretRequired() {
    assertThatThrownBy(() -> new TokenService(vertx, new JsonObject()))
      .hasMessageContaining("JWT_SECRET").hasMessageContaining("is not set").hasMessageContaining("required");
    assertThatThrownBy(() -> new TokenService(vertx, new JsonObject().put("secret", "short")))
      .hasMessage("bridge.auth.secret (JWT_SECRET) must be at least 16 characters");
  }

  @Test
  @DisplayName("without a name, for a user id longer than a name may be, is valid and shows the id cut to 100 characters")
  void longIdWithoutName() {
    Identity identity = TokenService.identityOf(new JsonObject().put("sub", LONG_ID).put("role", "learner"));
    assertThat(identity.userId()).isEqualTo(LONG_ID);
    assertThat(identity.name()).isEqualTo(LONG_ID.substring(0, TokenService.MAX_NAME_LENGTH));
    String issued = tokens.issue(new Identity(LONG_ID, TokenService.displayName(null, LONG_ID), Role.AGENT));
    Identity verified = tokens.verify("Bearer " + issued).await().identity();
    assertThat(verified.userId()).isEqualTo(LONG_ID);
    assertThat(verified.role()).isEqualTo(Role.AGENT);
  }

  @Test
  @DisplayName("stays valid for the leeway after its exp, for a socket's expiry check as for its verification")
  void leewayAfterExpiry() {
    TokenService lenient = new TokenService(vertx, new JsonObject().put("secret", "a-test-secret-of-some-length").put("leewaySeconds", 30));
    long exp = System.currentTimeMillis() / 1000 - 10;
    String token = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256")
        .setBuffer("a-test-secret-of-some-length")))
      .generateToken(new JsonObject().put("sub", "ana").put("role", "learner").put("exp", exp), new JWTOptions().setAlgorithm("HS256"));
    TokenService.Verified verified = lenient.verify("Bearer " + token).await();
    assertThat(verified.expiresAt()).isEqualTo((exp + 30) * 1000);
    assertThat(verified.expired(System.currentTimeMillis())).isFalse();
    assertThatThrownBy(() -> new TokenService(vertx, new JsonObject().put("secret", "a-test-secret-of-some-length").put("leewaySeconds", 0))
      .verify("Bearer " + token).await())
      .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED));
  }

  @Test
  @DisplayName("with a name longer than 100 characters, or not a string, is refused with 401; a blank name shows the user id")
  void names() {
    JsonObject claims = new JsonObject().put("sub", "ana").put("role", "learner");
    assertThatThrownBy(() -> TokenService.identityOf(claims.copy().put("name", "n".repeat(101))))
      .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED));
    assertThatThrownBy(() -> TokenService.identityOf(claims.copy().put("name", 5)))
      .isInstanceOfSatisfying(ProtocolException.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
        assertThat(e.getMessage()).isEqualTo("invalid token: claim 'name' must be a string");
      });
    assertThat(TokenService.identityOf(claims.copy().put("name", " ")).name()).isEqualTo("ana");
    for (String invisible : new String[] {"\u00a0", "\u200b", "\ufeff", "\u3164"}) {
      assertThat(TokenService.identityOf(claims.copy().put("name", invisible)).name()).isEqualTo("ana");
    }
    assertThat(TokenService.identityOf(claims.copy().put("name", "Ana B")).name()).isEqualTo("Ana B");
  }

  @Test
  @DisplayName("is taken after the scheme's name in any case, as HTTP has it; a scheme with nothing after it is no token")
  void schemeInAnyCase() {
    String token = tokens.issue(new Identity("ana", "Ana", Role.LEARNER));
    for (String scheme : new String[] {"Bearer ", "bearer ", "BEARER "}) {
      assertThat(tokens.verify(scheme + token).await().identity().userId()).as(scheme).isEqualTo("ana");
    }
    for (String value : new String[] {"bearer ", "Basic " + token, "Bearer" + token}) {
      Throwable refused = tokens.verify(value).transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())).await();
      assertThat(refused).as(value).isInstanceOfSatisfying(ProtocolException.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
        assertThat(e.getMessage()).isEqualTo("a bearer token is required in headers.authorization");
      });
    }
  }

  @Test
  @DisplayName("refused gets 401 with a fixed reason, never the JWT library's words: a claim of the wrong type included")
  void refusalReasons() throws Exception {
    String secret = "a-test-secret-of-some-length";
    JsonObject hs256 = new JsonObject().put("alg", "HS256").put("typ", "JWT");
    JsonObject claims = new JsonObject().put("sub", "ana").put("role", "learner");
    long now = System.currentTimeMillis() / 1000;
    assertRefused(signed(hs256, claims.copy().put("exp", "soon"), secret), "a claim of the wrong type");
    for (String time : new String[] {"exp", "nbf", "iat"}) {
      assertRefused(signed(hs256, claims.copy().putNull(time), secret), "a claim of the wrong type");
    }
    assertRefused(signed(hs256, claims.copy().put("exp", now - 3600), secret), "expired");
    assertRefused(signed(hs256, claims, "another-secret-of-some-length"), "bad signature");
    assertRefused(signed(new JsonObject().put("alg", "HS384").put("typ", "JWT"), claims, secret), "algorithm not accepted");
    assertRefused("not.a.token", "malformed");
    assertRefused("\u00b7\u00b7\u00b7.e30.x", "malformed");
  }

  @Test
  @DisplayName("with JWT_ISSUER and JWT_AUDIENCE set, must name both (aud as a string or in a list); dev tokens do")
  void issuerAndAudience() throws Exception {
    String secret = "a-test-secret-of-some-length";
    TokenService strict = new TokenService(vertx, new JsonObject().put("secret", secret)
      .put("issuer", "https://auth.example.com").put("audience", "skillbus"));
    JsonObject hs256 = new JsonObject().put("alg", "HS256").put("typ", "JWT");
    JsonObject claims = new JsonObject().put("sub", "ana").put("role", "learner");
    JsonObject both = claims.copy().put("iss", "https://auth.example.com").put("aud", "skillbus");
    assertThat(strict.verify("Bearer " + signed(hs256, both, secret)).await().identity().userId()).isEqualTo("ana");
    assertThat(strict.verify("Bearer " + signed(hs256, both.copy().put("aud", new JsonArray().add("lms").add("skillbus")), secret))
      .await().identity().userId()).isEqualTo("ana");
    assertRefused(strict, signed(hs256, claims.copy().put("aud", "skillbus"), secret), "issuer not accepted (iss)");
    assertRefused(strict, signed(hs256, both.copy().put("iss", "https://other.example.com"), secret), "issuer not accepted (iss)");
    assertRefused(strict, signed(hs256, withoutAud(both), secret), "audience not accepted (aud)");
    assertRefused(strict, signed(hs256, both.copy().put("aud", "lms"), secret), "audience not accepted (aud)");
    String dev = strict.issue(new Identity("bo", "Bo", Role.LEARNER));
    assertThat(strict.verify("Bearer " + dev).await().identity().userId()).isEqualTo("bo");
    assertRefused(strict, tokens.issue(new Identity("bo", "Bo", Role.LEARNER)), "audience not accepted (aud)");
  }

  private static JsonObject withoutAud(JsonObject claims) {
    JsonObject copy = claims.copy();
    copy.remove("aud");
    return copy;
  }

  private static void assertRefused(String token, String reason) {
    assertRefused(tokens, token, reason);
  }

  private static void assertRefused(TokenService tokens, String token, String reason) {
    Throwable refused = tokens.verify("Bearer " + token).transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())).await();
    assertThat(refused).as(token).isInstanceOf(ProtocolException.class);
    assertThat(((ProtocolException) refused).code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
    assertThat(refused.getMessage()).startsWith("invalid token: ").contains(reason)
      .doesNotContain("JWT token", "Source", "<null>", "Exception");
  }

  /** A JWT signed with HMAC-SHA256 over whatever header and claims are given (the header's alg is not checked here). */
  private static String signed(JsonObject header, JsonObject claims, String secret) throws Exception {
    java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
    String body = b64.encodeToString(header.encode().getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "."
      + b64.encodeToString(claims.encode().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
    return body + "." + b64.encodeToString(mac.doFinal(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }
}
