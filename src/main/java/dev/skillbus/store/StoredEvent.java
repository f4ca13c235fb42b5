package dev.skillbus.store;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * An event of {@link InMemoryRoomHistory} as its JSON bytes, deflated from {@link #DEFLATE_FROM_BYTES}
 * on, a presence event from {@link #DEFLATE_PRESENCE_FROM_BYTES}: a {@code user-joined} or {@code
 * user-left} event carries the room's participants, so a room's history grows with the square of
 * its size (a room of 100 that filled up holds 5,050 participant entries). Bytes take a fraction of
 * the memory of the object tree, and those lists, alike from one entry to the next, deflate to
 * about a tenth; the tree is rebuilt only for a client that missed the event. {@code jsonLength} is
 * the JSON's length before it was deflated, or 0 when {@code bytes} is the JSON as it is. {@code id}
 * is the id it was appended with (a presence event's, or a stream event's), null for other events.
 */
record StoredEvent(long seq, byte[] bytes, int jsonLength, String id, long appendedAt) {

  /** Events this long or longer, as JSON, are kept deflated. */
  static final int DEFLATE_FROM_BYTES = 1024;
  /**
   * Presence events this long or longer, as JSON, are kept deflated: with its participant list, a
   * {@code user-joined} of a room of three is about 600 bytes and deflates to 240.
   */
  static final int DEFLATE_PRESENCE_FROM_BYTES = 256;
  // Per thread (appends and reads run on whichever thread calls), reset before each use.
  private static final ThreadLocal<Deflater> DEFLATERS = ThreadLocal.withInitial(() -> new Deflater(Deflater.BEST_SPEED));
  private static final ThreadLocal<Inflater> INFLATERS = ThreadLocal.withInitial(Inflater::new);

  /** The event, kept deflated when its JSON is {@code deflateFrom} bytes or longer (and deflates shorter). */
  static StoredEvent of(long seq, byte[] json, String id, int deflateFrom, long appendedAt) {
    if (json.length >= deflateFrom) {
      byte[] deflated = deflate(json);
      if (deflated != null) {
        return new StoredEvent(seq, deflated, json.length, id, appendedAt);
      }
    }
    return new StoredEvent(seq, json, 0, id, appendedAt);
  }

  /** The length of the envelope's JSON, deflated or not. */
  int jsonSize() {
    return jsonLength == 0 ? bytes.length : jsonLength;
  }

  JsonObject envelope() {
    return new JsonObject(Buffer.buffer(jsonLength == 0 ? bytes : inflate(bytes, jsonLength)));
  }

  /** The deflated bytes, or null when they would not be shorter. */
  private static byte[] deflate(byte[] json) {
    Deflater deflater = DEFLATERS.get();
    deflater.reset();
    deflater.setInput(json);
    deflater.finish();
    byte[] out = new byte[json.length - 1];
    int length = deflater.deflate(out);
    return deflater.finished() ? Arrays.copyOf(out, length) : null;
  }

  private static byte[] inflate(byte[] deflated, int jsonLength) {
    Inflater inflater = INFLATERS.get();
    inflater.reset();
    inflater.setInput(deflated);
    byte[] json = new byte[jsonLength];
    try {
      if (inflater.inflate(json) != jsonLength || !inflater.finished()) {
        throw new IllegalStateException("a stored event did not inflate to its length");
      }
    } catch (DataFormatException e) {
      throw new IllegalStateException("a stored event is corrupt", e);
    }
    return json;
  }
}
