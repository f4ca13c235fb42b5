package dev.skillbus.bridge;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBufInputStream;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;

/**
 * What a refused frame is answered on: its top-level {@code type}, {@code address} and
 * {@code replyAddress}, when they are strings. A frame refused before it is parsed (over the rate,
 * over the size limit) is only scanned for them, other values skipped, so that it costs a pass over
 * its bytes and no objects.
 */
record FrameHead(String type, String address, String replyAddress) {

  /** The longest reply address answered on. */
  static final int MAX_REPLY_ADDRESS = 256;

  private static final JsonFactory JSON = new JsonFactory();
  /** A frame with nothing to answer on. */
  static final FrameHead NONE = new FrameHead(null, null, null);

  static FrameHead of(JsonObject frame) {
    if (frame == null) {
      return NONE;
    }
    return new FrameHead(stringOrNull(frame.getValue("type")), stringOrNull(frame.getValue("address")),
      stringOrNull(frame.getValue("replyAddress")));
  }

  /** Scans the frame's bytes; what comes before anything malformed still counts. */
  static FrameHead scan(Buffer frame) {
    String type = null;
    String address = null;
    String replyAddress = null;
    InputStream bytes = new ByteBufInputStream(((BufferInternal) frame).getByteBuf().duplicate());
    try (JsonParser parser = JSON.createParser(bytes)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return NONE;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME && (type == null || address == null || replyAddress == null)) {
        String name = parser.currentName();
        // Only strings short enough to answer on are read: a long one is never turned into a String.
        if (parser.nextToken() == JsonToken.VALUE_STRING && parser.getTextLength() <= MAX_REPLY_ADDRESS) {
          switch (name) {
            case "type" -> type = parser.getText();
            case "address" -> address = parser.getText();
            case "replyAddress" -> replyAddress = parser.getText();
            default -> { }
          }
        } else {
          parser.skipChildren();
        }
      }
    } catch (IOException | RuntimeException malformed) {
      // Keep what was found before it.
    }
    return new FrameHead(type, address, replyAddress);
  }

  /**
   * Where the refusal goes: the frame's reply address, or for a {@code register} the address it
   * registers (the official client reports errors there); null for the socket-wide error.
   */
  String answerAddress() {
    if (usable(replyAddress)) {
      return replyAddress;
    }
    return "register".equals(type) && usable(address) ? address : null;
  }

  /** Whether a reply address may be answered on: 1 to {@link #MAX_REPLY_ADDRESS} characters. */
  static boolean usable(String address) {
    return address != null && !address.isEmpty() && address.length() <= MAX_REPLY_ADDRESS;
  }

  private static String stringOrNull(Object value) {
    return value instanceof String s ? s : null;
  }
}
