package dev.skillbus.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * Documents in this node's memory: for a single node, or for tests. Values are copied in and out.
 * Documents that expire are also kept in order of expiry, and every operation first drops the ones
 * whose time has come, so memory follows the documents alive, with no timer.
 */
public final class InMemoryDocumentStore implements DocumentStore {

  private static final long NEVER = Long.MAX_VALUE;

  private final Map<String, Entry> documents = new HashMap<>();
  private final NavigableSet<Expiry> expiries = new TreeSet<>();
  private final int maxValueBytes;
  private final Clock clock;

  public InMemoryDocumentStore(int maxValueBytes) {
    this(maxValueBytes, Clock.systemUTC());
  }

  /** With the clock that decides when documents expire (tests move it by hand). */
  public InMemoryDocumentStore(int maxValueBytes, Clock clock) {
    this.maxValueBytes = maxValueBytes;
    this.clock = clock;
  }

  private record Entry(Document doc, long expiresAt) {
  }

  private record Expiry(long at, String key) implements Comparable<Expiry> {
    @Override
    public int compareTo(Expiry other) {
      int byTime = Long.compare(at, other.at);
      return byTime != 0 ? byTime : key.compareTo(other.key);
    }
  }

  @Override
  public synchronized Future<Document> get(String kind, String id) {
    return Keys.guard(() -> {
      String key = key(kind, id);
      dropExpired();
      Entry entry = documents.get(key);
      return Future.succeededFuture(entry == null ? null : copy(entry.doc()));
    });
  }

  @Override
  public synchronized Future<Document> put(String kind, String id, JsonObject value, Long expectedVersion,
                                           Duration ttl) {
    return Keys.guard(() -> {
      String key = key(kind, id);
      Keys.encode(value, maxValueBytes);
      dropExpired();
      Entry current = documents.get(key);
      long version = current == null ? 0 : current.doc().version();
      if (expectedVersion != null && expectedVersion != version) {
        return Future.failedFuture(Merge.conflict(version, expectedVersion));
      }
      long expiresAt = ttl != null ? clock.millis() + ttl.toMillis() : current == null ? NEVER : current.expiresAt();
      Document written = new Document(id, version + 1, value.copy());
      store(key, current, new Entry(written, expiresAt));
      return Future.succeededFuture(copy(written));
    });
  }

  @Override
  public synchronized Future<Boolean> delete(String kind, String id) {
    return Keys.guard(() -> {
      String key = key(kind, id);
      dropExpired();
      Entry removed = documents.remove(key);
      if (removed != null) {
        expiries.remove(new Expiry(removed.expiresAt(), key));
      }
      return Future.succeededFuture(removed != null);
    });
  }

  /** How many documents are held, expired ones not yet dropped included. */
  synchronized int size() {
    return documents.size();
  }

  private void store(String key, Entry previous, Entry entry) {
    if (previous != null && previous.expiresAt() != NEVER) {
      expiries.remove(new Expiry(previous.expiresAt(), key));
    }
    if (entry.expiresAt() != NEVER) {
      expiries.add(new Expiry(entry.expiresAt(), key));
    }
    documents.put(key, entry);
  }

  private void dropExpired() {
    long now = clock.millis();
    while (!expiries.isEmpty() && expiries.first().at() <= now) {
      documents.remove(expiries.pollFirst().key());
    }
  }

  private static String key(String kind, String id) {
    return Keys.kind(kind) + ":" + Keys.id(id);
  }

  static Document copy(Document doc) {
    return new Document(doc.id(), doc.version(), doc.value().copy());
  }

  @Override
  public int maxValueBytes() {
    return maxValueBytes;
  }
}
