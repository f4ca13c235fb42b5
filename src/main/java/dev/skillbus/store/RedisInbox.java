package dev.skillbus.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * Inboxes in Redis: one list per user, {@code inbox:<userId>}, trimmed and expiring as it is pushed
 * to, and a sorted set {@code inboxes} of the user ids that have one, scored by when it expires. The
 * push script counts the set to refuse a new inbox beyond {@code maxUsers}; the take script removes
 * the user from it.
 */
public final class RedisInbox implements InboxStore {

  private final RedisLink redis;
  private final int maxValueBytes;
  private final int maxPerUser;
  private final long ttlSeconds;
  private final int maxUsers;

  public RedisInbox(RedisLink redis, int maxValueBytes, int maxPerUser, long ttlSeconds, int maxUsers) {
    this.redis = redis;
    this.maxValueBytes = maxValueBytes;
    this.maxPerUser = maxPerUser;
    this.ttlSeconds = ttlSeconds;
    this.maxUsers = maxUsers;
  }

  @Override
  public Future<Void> push(String userId, JsonObject message) {
    return add(userId, message, Integer.toString(maxUsers));
  }

  @Override
  public Future<Void> putBack(String userId, JsonObject message) {
    return add(userId, message, "");
  }

  private Future<Void> add(String userId, JsonObject message, String limit) {
    return Keys.guard(() -> {
      String key = key(userId);
      Buffer encoded = Keys.encode(message, maxValueBytes);
      return redis.eval(StoreScripts.PUSH, List.of(key, index()),
          List.of(encoded, Buffer.buffer(Integer.toString(maxPerUser)), Buffer.buffer(Long.toString(ttlSeconds)),
            Buffer.buffer(userId), Buffer.buffer(limit)))
        .compose(r -> r.toInteger() == 1 ? Future.succeededFuture() : Future.failedFuture(InboxStore.full(maxUsers)));
    });
  }

  @Override
  public Future<List<JsonObject>> take(String userId) {
    return Keys.guard(() -> {
      return redis.eval(StoreScripts.TAKE, List.of(key(userId), index()), List.of(Buffer.buffer(userId))).map(r -> {
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

  private String index() {
    return redis.key("inboxes");
  }
}
