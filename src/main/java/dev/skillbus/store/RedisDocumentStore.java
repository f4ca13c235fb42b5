package dev.skillbus.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.List;

/** Documents in Redis: one hash per document, {@code doc:<kind>:<id>}, holding its version and value. */
public final class RedisDocumentStore implements DocumentStore {

  private final RedisLink redis;
  private final int maxValueBytes;

  public RedisDocumentStore(RedisLink redis, int maxValueBytes) {
    this.redis = redis;
    this.maxValueBytes = maxValueBytes;
  }

  @Override
  public Future<Document> get(String kind, String id) {
    return Keys.guard(() -> read(redis, key(kind, id), id));
  }

  /** The version and value of the hash at {@code key}, or {@code null} when there is none. */
  static Future<Document> read(RedisLink redis, String key, String id) {
    return redis.send(Request.cmd(Command.HMGET).arg(key).arg("v").arg("json"))
      .map(r -> r.get(0) == null ? null : new Document(id, r.get(0).toLong(), new JsonObject(r.get(1).toBuffer())));
  }

  @Override
  public Future<Document> put(String kind, String id, JsonObject value, Long expectedVersion, Duration ttl) {
    return Keys.guard(() -> {
      String key = key(kind, id);
      Buffer encoded = Keys.encode(value, maxValueBytes);
      Buffer expected = Buffer.buffer(expectedVersion == null ? "" : expectedVersion.toString());
      Buffer expiry = Buffer.buffer(ttl == null ? "" : Long.toString(Math.max(1, ttl.toMillis())));
      JsonObject stored = value.copy();
      return redis.eval(StoreScripts.PUT, List.of(key), List.of(expected, encoded, expiry))
        .compose(r -> written(r, id, stored, expectedVersion));
    });
  }

  /** The script's {ok, version} as a document, or the conflict it reports. */
  static Future<Document> written(Response r, String id, JsonObject value, Long expectedVersion) {
    long version = r.get(1).toLong();
    return r.get(0).toInteger() == 1
      ? Future.succeededFuture(new Document(id, version, value))
      : Future.failedFuture(Merge.conflict(version, expectedVersion));
  }

  @Override
  public Future<Boolean> delete(String kind, String id) {
    return Keys.guard(() -> redis.send(Request.cmd(Command.DEL).arg(key(kind, id))).map(r -> r.toInteger() == 1));
  }

  private String key(String kind, String id) {
    return redis.key("doc", Keys.kind(kind), Keys.id(id));
  }

  @Override
  public int maxValueBytes() {
    return maxValueBytes;
  }
}
