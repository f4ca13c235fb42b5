package dev.skillbus.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skillbus.auth.Identity;
import dev.skillbus.auth.TokenService;
import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.ProtocolException;
import dev.skillbus.protocol.Role;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("A socket's identity")
class SocketIdentityTest {

  private static TokenService tokens(Vertx vertx) {
    return new TokenService(vertx, new JsonObject().put("secret", "a-test-secret-of-some-length"));
  }

  @Test
  @DisplayName("takes the token it verified again, and refuses that token with one character of it changed, or none")
  void sameTokenOnly(Vertx vertx) {
    TokenService tokens = tokens(vertx);
    SocketIdentity identity = new SocketIdentity(tokens, new Guard(null));
    String token = tokens.issue(new Identity("ana", "Ana", Role.LEARNER));
    assertThat(identity.authenticate(frame(token)).await().userId()).isEqualTo("ana");
    assertThat(identity.authenticate(frame(token)).await().name()).isEqualTo("Ana");

    // In the signature, away from its last character (whose low bits are padding).
    int at = token.length() - 10;
    String altered = token.substring(0, at) + (token.charAt(at) == 'A' ? 'B' : 'A') + token.substring(at + 1);
    assertThatThrownBy(() -> identity.authenticate(frame(altered)).await())
      .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED));
    assertThatThrownBy(() -> identity.authenticate(new JsonObject()).await())
      .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED));
    JsonObject notAString = new JsonObject().put("headers", new JsonObject().put("authorization", 42));
    assertThatThrownBy(() -> identity.authenticate(notAString).await())
      .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED));
    assertThat(identity.current().userId()).isEqualTo("ana");
  }

  @Test
  @DisplayName("takes a newer token of its user, with what it says, and refuses another user's with 403")
  void newerTokenOfTheSameUser(Vertx vertx) {
    TokenService tokens = tokens(vertx);
    SocketIdentity identity = new SocketIdentity(tokens, new Guard(null));
    identity.authenticate(frame(tokens.issue(new Identity("ana", "Ana", Role.LEARNER)))).await();

    Identity renamed = identity.authenticate(frame(tokens.issue(new Identity("ana", "Ana B.", Role.LEARNER)))).await();
    assertThat(renamed.name()).isEqualTo("Ana B.");
    assertThat(identity.current().name()).isEqualTo("Ana B.");

    String other = tokens.issue(new Identity("bob", "Bob", Role.LEARNER));
    assertThatThrownBy(() -> identity.authenticate(frame(other)).await())
      .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
    assertThat(identity.current().userId()).isEqualTo("ana");
  }

  private static JsonObject frame(String token) {
    return new JsonObject().put("type", "send").put("headers", new JsonObject().put("authorization", "Bearer " + token));
  }
}
