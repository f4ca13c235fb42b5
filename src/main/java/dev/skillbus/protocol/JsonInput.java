package dev.skillbus.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import java.io.IOException;

/**
 * JSON from clients (bridge frames, REST bodies), read as Vert.x reads it but nested at most
 * {@link #MAX_DEPTH} levels. What a client sends may be stored and sent again inside replies and
 * events that add levels of their own (a history page wraps an event's {@code data} in five), and
 * JSON nested deeper than Jackson writes (1,000 levels) could be stored and then never be answered
 * again; such input is refused before anything is done with it.
 */
public final class JsonInput {

  /** How deep a frame or a body may nest, its own object counting as one level. */
  public static final int MAX_DEPTH = 64;

  private static final JsonFactory JSON = JsonFactory.builder()
    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
    .build()
    .enable(JsonParser.Feature.ALLOW_COMMENTS);

  private JsonInput() {
  }

  /**
   * The JSON object of {@code bytes}, {@code what} they are (a frame, a body): 400 when they are not
   * valid JSON, nest deeper than {@link #MAX_DEPTH} levels or are not an object, the message saying
   * which.
   */
  public static JsonObject object(Buffer bytes, String what) {
    Object value;
    try {
      value = JacksonCodec.fromParser(parser(bytes), Object.class);
    } catch (RuntimeException | IOException e) {
      throw ErrorCode.BAD_REQUEST.exception(why(what, e.getCause() instanceof StreamConstraintsException limit ? limit : null));
    }
    if (value instanceof JsonObject object) {
      return object;
    }
    throw ErrorCode.BAD_REQUEST.exception(what + " must be a JSON object");
  }

  /** Why input was refused: too deep, over another of Jackson's limits (a number of over 1,000 digits), or not JSON. */
  private static String why(String what, StreamConstraintsException limit) {
    if (limit == null) {
      return what + " is not valid JSON";
    }
    return limit.getMessage().contains("nesting depth")
      ? what + " nests more than " + MAX_DEPTH + " levels deep"
      : what + " holds a number or a text longer than JSON input may have (a number: 1,000 digits)";
  }

  /** Reads a buffer's bytes where they are when it has them in an array (frames do), else a copy. */
  private static JsonParser parser(Buffer bytes) throws IOException {
    ByteBuf buf = ((BufferInternal) bytes).getByteBuf();
    return buf.hasArray()
      ? JSON.createParser(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes())
      : JSON.createParser(bytes.getBytes());
  }
}
