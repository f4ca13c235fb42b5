package dev.skillbus.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * Key-value JSON documents (a coaching session's document, a course job's state), each of a
 * {@code kind} and addressed by an {@code id}. Writes are compare-and-set on the version: an
 * {@code expectedVersion} that is not the document's current one fails with 409 CONFLICT, and
 * {@code 0} means "must not exist yet". Ids follow {@link Keys#ID}; a value larger than the store's
 * limit is refused with 413 before it is written.
 *
 * <p>A document may expire: a write with a {@code ttl} makes it expire that long after the write (a
 * course session's status, say), and a write without one keeps whatever expiry it had. An expired
 * document is gone: read as {@code null}, written as new (version 1). Expiry needs no timer per
 * document: Redis expires its keys, the in-memory store drops expired documents as it is used.
 */
public interface DocumentStore {

  /** The document, or {@code null} when there is none. */
  Future<Document> get(String kind, String id);

  /** Replaces the document's value (creating it); {@code expectedVersion} null writes unconditionally. */
  default Future<Document> put(String kind, String id, JsonObject value, Long expectedVersion) {
    return put(kind, id, value, expectedVersion, null);
  }

  /** Like {@link #put(String, String, JsonObject, Long)}; the document expires {@code ttl} (if not null) from now. */
  Future<Document> put(String kind, String id, JsonObject value, Long expectedVersion, Duration ttl);

  /**
   * Merges {@code fields} into the document's top level (creating it). Without an
   * {@code expectedVersion}, a write that raced with another is retried on the newer value, so
   * concurrent merges of different fields all land.
   */
  default Future<Document> merge(String kind, String id, JsonObject fields, Long expectedVersion) {
    return Merge.apply(() -> get(kind, id), (value, version) -> put(kind, id, value, version),
      fields, expectedVersion, false, maxValueBytes());
  }

  /** Deletes the document; true when there was one. */
  Future<Boolean> delete(String kind, String id);

  /** The largest value stored, in bytes of its JSON (413 above). */
  int maxValueBytes();
}
