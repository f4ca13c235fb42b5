package dev.skillbus.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.ProtocolException;
import dev.skillbus.protocol.Role;
import io.vertx.core.Vertx;
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
  @DisplayName("with a name longer than 100 characters is refused with 401; a blank name shows the user id")
  void names() {
    JsonObject claims = new JsonObject().put("sub", "ana").put("role", "learner");
    assertThatThrownBy(() -> TokenService.identityOf(claims.copy().put("name", "n".repeat(101))))
      .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED));
    assertThat(TokenService.identityOf(claims.copy().put("name", " ")).name()).isEqualTo("ana");
    assertThat(TokenService.identityOf(claims.copy().put("name", "Ana B")).name()).isEqualTo("Ana B");
  }
}
