package dev.skillbus.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/** Inboxes in Redis: one list per user, {@code inbox:<userId>}, trimmed and expiring as it is pushed to. */
public final class RedisInbox implements InboxStore {

  private final RedisLink redis;
  private final int maxValueBytes;
  private final int maxPerUser;
  private final long ttlSeconds;

  public RedisInbox(RedisLink redis, int maxValueBytes, int maxPerUser, long ttlSeconds) {
    this.redis = redis;
    this.maxValueBytes = maxValueBytes;
    this.maxPerUser = maxPerUser;
    this.ttlSeconds = ttlSeconds;
  }

  @Override
  public Future<Void> push(String userId, JsonObject message) {
    return Keys.guard(() -> {
      String key = key(userId);
      Buffer encoded = Keys.encode(message, maxValueBytes);
      return redis.eval(StoreScripts.PUSH, List.of(key),
        List.of(encoded, Buffer.buffer(Integer.toString(maxPerUser)), Buffer.buffer(Long.toString(ttlSeconds)))).mapEmpty();
    });
  }

  @Override
  public Future<List<JsonObject>> take(String userId) {
    return Keys.guard(() -> {
      return redis.eval(StoreScripts.TAKE, List.of(key(userId)), List.of()).map(r -> {
        List<JsonObject> messages = new ArrayList<>();
        for (Response message : r) {
          messages.add(new JsonObject(message.toBuffer()));
        }
        return messages;
      });
    });
  }

  private String key(String userId) {
    return redis.key("inbox", Keys.id(userId));
  }
}
