package dev.skillbus.store;

import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.ProtocolException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Read, merge, compare-and-set: the one way both stores merge fields into a stored value, so that
 * two nodes merging into one document never lose each other's fields.
 */
final class Merge {

  /**
   * A merge that lost this many races in a row is told to try again later (409). Each round of a
   * race has one winner, so this many writers merging into one value at once all land.
   */
  static final int ATTEMPTS = 50;

  private Merge() {
  }

  /**
   * Merges {@code fields} into what {@code read} finds and writes it with {@code write(value,
   * versionRead)}. A caller's {@code expectedVersion} is checked against the value read; without
   * one, a write that lost a race is retried on the newer value. Fields that alone are over {@code
   * maxBytes} are refused (413) before anything is read: the merged value holds them, so it would be
   * too, and the refusal does not depend on the store answering.
   */
  static Future<Document> apply(Supplier<Future<Document>> read, BiFunction<JsonObject, Long, Future<Document>> write,
                                JsonObject fields, Long expectedVersion, boolean mustExist, int maxBytes) {
    int size = fields.toBuffer().length();
    if (size > maxBytes) {
      return Future.failedFuture(ErrorCode.TOO_LARGE.exception("the fields given are " + size + " bytes, and a value"
        + " holding them would be more than the " + maxBytes + " stored at most"));
    }
    return attempt(read, write, fields, expectedVersion, mustExist, 1);
  }

  private static Future<Document> attempt(Supplier<Future<Document>> read,
                                          BiFunction<JsonObject, Long, Future<Document>> write,
                                          JsonObject fields, Long expectedVersion, boolean mustExist, int attempt) {
    return read.get().compose(current -> {
      if (current == null && mustExist) {
        return Future.failedFuture(ErrorCode.NOT_FOUND.exception("no such item"));
      }
      long version = current == null ? 0 : current.version();
      if (expectedVersion != null && expectedVersion != version) {
        return Future.failedFuture(conflict(version, expectedVersion));
      }
      JsonObject merged = current == null ? new JsonObject() : current.value().copy();
      merged.mergeIn(fields);
      return write.apply(merged, version).recover(err -> expectedVersion == null && attempt < ATTEMPTS
        && err instanceof ProtocolException pe && pe.code() == ErrorCode.CONFLICT
        ? attempt(read, write, fields, null, mustExist, attempt + 1)
        : Future.failedFuture(err));
    });
  }

  static ProtocolException conflict(long version, long expected) {
    return ErrorCode.CONFLICT.exception("version is " + version + ", not " + expected);
  }
}
