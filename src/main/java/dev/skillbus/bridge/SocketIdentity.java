package dev.skillbus.bridge;

import dev.skillbus.auth.Identity;
import dev.skillbus.auth.TokenService;
import dev.skillbus.auth.TokenService.Verified;
import dev.skillbus.protocol.Header;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Who one socket is: the token of each frame is verified once and cached until it expires or
 * changes; a socket stays with the user it started as.
 */
final class SocketIdentity {

  private final TokenService tokens;
  private final Guard guard;
  private Verified verified;
  private String verifiedToken;

  SocketIdentity(TokenService tokens, Guard guard) {
    this.tokens = tokens;
    this.guard = guard;
  }

  /** The verified identity, or null before the first authenticated frame. */
  Identity current() {
    return verified == null ? null : verified.identity();
  }

  /**
   * True once the token this socket last presented has expired: nothing it sent since carried a
   * newer one. A socket that never presented one has nothing to expire.
   */
  boolean expired(long nowMillis) {
    return verified != null && verified.expired(nowMillis);
  }

  /** The identity a frame's {@code headers.authorization} names; a failed future says why not. */
  Future<Identity> authenticate(JsonObject frame) {
    JsonObject headers = frame.getValue("headers") instanceof JsonObject h ? h : new JsonObject();
    Object token = headers.getValue(Header.AUTHORIZATION);
    if (verified != null && verifiedToken.equals(token) && !verified.expired(System.currentTimeMillis())) {
      return Future.succeededFuture(verified.identity());
    }
    return tokens.verify(token instanceof String s ? s : null).map(v -> {
      guard.checkSameUser(current(), v.identity());
      verified = v;
      verifiedToken = (String) token;
      return v.identity();
    });
  }
}
