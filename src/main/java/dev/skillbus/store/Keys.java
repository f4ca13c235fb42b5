package dev.skillbus.store;

import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.Fields;
import dev.skillbus.protocol.ProtocolException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The rules every store applies to what it is given, whatever the caller validated: ids and kinds
 * that cannot break out of their place in a Redis key (no {@code :}, no glob or hash-tag characters,
 * bounded length), and values no larger than the limit. Both implementations apply them, so both
 * refuse the same input with the same code.
 */
public final class Keys {

  /** Ids of documents, owners, items and users: room-id and user-id characters, 1 to 128 of them. */
  public static final Pattern ID = Fields.USER_ID;
  /** Kinds are chosen by the code, never by a client: a short lower-camel word. */
  public static final Pattern KIND = Pattern.compile("[a-z][A-Za-z0-9]{0,31}");
  /** The field of an item's value that holds its id. */
  public static final String ITEM_ID = "id";

  private Keys() {
  }

  /** The id, or a 400 naming what was wrong. */
  public static String id(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw ErrorCode.BAD_REQUEST.exception("id must match " + ID.pattern());
    }
    return id;
  }

  public static String kind(String kind) {
    if (kind == null || !KIND.matcher(kind).matches()) {
      throw ErrorCode.BAD_REQUEST.exception("kind must match " + KIND.pattern());
    }
    return kind;
  }

  /** A taker's lease token (its own, such as a UUID), or a 400 when it is missing or over 100 characters. */
  static String lease(String lease) {
    if (lease == null || lease.isEmpty() || lease.length() > 100) {
      throw ErrorCode.BAD_REQUEST.exception("lease must be 1 to 100 characters");
    }
    return lease;
  }

  /** The value as JSON bytes, or a 413 when it is larger than {@code maxBytes}. */
  public static Buffer encode(JsonObject value, int maxBytes) {
    if (value == null) {
      throw ErrorCode.BAD_REQUEST.exception("value is required");
    }
    Buffer encoded = value.toBuffer();
    if (encoded.length() > maxBytes) {
      throw ErrorCode.TOO_LARGE.exception("value is " + encoded.length() + " bytes, at most " + maxBytes + " are stored");
    }
    return encoded;
  }

  /** Runs a store operation, turning a refusal of its input into a failed future rather than a throw. */
  static <T> Future<T> guard(Supplier<Future<T>> operation) {
    try {
      return operation.get();
    } catch (ProtocolException e) {
      return Future.failedFuture(e);
    }
  }
}
