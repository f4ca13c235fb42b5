package dev.skillbus.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Documents in this node's memory: for a single node, or for tests. Values are copied in and out. */
public final class InMemoryDocumentStore implements DocumentStore {

  private final Map<String, Document> documents = new ConcurrentHashMap<>();
  private final int maxValueBytes;

  public InMemoryDocumentStore(int maxValueBytes) {
    this.maxValueBytes = maxValueBytes;
  }

  @Override
  public Future<Document> get(String kind, String id) {
    return Keys.guard(() -> {
      Document doc = documents.get(key(kind, id));
      return Future.succeededFuture(doc == null ? null : copy(doc));
    });
  }

  @Override
  public Future<Document> put(String kind, String id, JsonObject value, Long expectedVersion) {
    return Keys.guard(() -> {
      String key = key(kind, id);
      Keys.encode(value, maxValueBytes);
      JsonObject stored = value.copy();
      long[] found = {-1};
      Document written = documents.compute(key, (k, current) -> {
        long version = current == null ? 0 : current.version();
        if (expectedVersion != null && expectedVersion != version) {
          found[0] = version;
          return current;
        }
        return new Document(id, version + 1, stored);
      });
      return found[0] >= 0
        ? Future.failedFuture(Merge.conflict(found[0], expectedVersion))
        : Future.succeededFuture(copy(written));
    });
  }

  @Override
  public Future<Boolean> delete(String kind, String id) {
    return Keys.guard(() -> Future.succeededFuture(documents.remove(key(kind, id)) != null));
  }

  private static String key(String kind, String id) {
    return Keys.kind(kind) + ":" + Keys.id(id);
  }

  static Document copy(Document doc) {
    return new Document(doc.id(), doc.version(), doc.value().copy());
  }
}
