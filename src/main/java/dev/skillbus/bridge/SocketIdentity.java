package dev.skillbus.bridge;

import dev.skillbus.auth.Identity;
import dev.skillbus.auth.TokenService;
import dev.skillbus.auth.TokenService.Verified;
import dev.skillbus.protocol.Header;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Who one socket is: the token of each frame is verified once and cached until it expires or
 * changes; a socket stays with the user it started as. The token itself is not kept, only its
 * SHA-256 digest: 32 bytes instead of some 250 per connection.
 */
final class SocketIdentity {

  // Per thread (each socket is served on its verticle's event loop), reset by each digest.
  private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  });

  private final TokenService tokens;
  private final Guard guard;
  private Verified verified;
  private byte[] verifiedDigest;

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
    String token = headers.getValue(Header.AUTHORIZATION) instanceof String s ? s : null;
    byte[] digest = token == null ? null : digest(token);
    if (verified != null && Arrays.equals(verifiedDigest, digest) && !verified.expired(System.currentTimeMillis())) {
      return Future.succeededFuture(verified.identity());
    }
    return tokens.verify(token).map(v -> {
      guard.checkSameUser(current(), v.identity());
      verified = v;
      verifiedDigest = digest;
      return v.identity();
    });
  }

  private static byte[] digest(String token) {
    return SHA_256.get().digest(token.getBytes(StandardCharsets.UTF_8));
  }
}
