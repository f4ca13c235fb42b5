package dev.skillbus.store;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script run by its SHA-1 ({@code EVALSHA}), sent in full only when Redis does not know it
 * yet (after a restart or a flush). The script runs atomically: no other command interleaves.
 */
record RedisScript(String source, String sha) {

  static RedisScript of(String source) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
      return new RedisScript(source, HexFormat.of().formatHex(digest));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A script's ARGV, in a list the caller may add to: buffers as they are, anything else as its text. */
  static List<Buffer> args(Object... values) {
    List<Buffer> args = new ArrayList<>();
    for (Object value : values) {
      args.add(value instanceof Buffer b ? b : Buffer.buffer(String.valueOf(value)));
    }
    return args;
  }
}
