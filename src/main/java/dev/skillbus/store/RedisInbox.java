package dev.skillbus.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Inboxes in Redis: one list per user, {@code inbox:<userId>}, trimmed and expiring as it is pushed
 * to; the batch in delivery {@code inbox:<userId>:inflight} and its lease {@code
 * inbox:<userId>:lease}; and a sorted set {@code inboxes} of the user ids that have any of them,
 * scored by when it expires. The push script counts the set to refuse a new inbox beyond {@code
 * maxUsers} (first dropping some users whose inbox Redis evicted); the ack that leaves nothing
 * removes the user from it (see {@link InboxScripts}).
 */
public final class RedisInbox implements InboxStore {

  /**
   * How long an acknowledged lease's token is remembered, so that a take under it that Redis runs
   * late (sent on a connection that hung, which the link closes 30 s after giving up on it) takes
   * nothing: a batch taken then would be held by no one until its lease ran out.
   */
  static final long ACKED_KEPT_MS = 120_000;

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
    return push(userId, message, false).mapEmpty();
  }

  @Override
  public Future<Behind> pushBehind(String userId, JsonObject message) {
    return push(userId, message, true);
  }

  private Future<Behind> push(String userId, JsonObject message, boolean behind) {
    return Keys.guard(() -> {
      Buffer encoded = Keys.encode(message, maxValueBytes);
      List<Buffer> args = RedisScript.args(encoded, maxPerUser, ttlSeconds, userId, maxUsers, redis.key("inbox", ""),
        ThreadLocalRandom.current().nextInt(Integer.MAX_VALUE), behind ? 1 : 0);
      return redis.eval(InboxScripts.PUSH, keys(userId), args).compose(r -> switch (r.toInteger()) {
        case 1 -> Future.succeededFuture(Behind.QUEUED);
        case 2 -> Future.succeededFuture(Behind.NO_INBOX);
        case 3 -> Future.succeededFuture(Behind.FULL);
        default -> Future.failedFuture(InboxStore.full(maxUsers));
      });
    });
  }

  @Override
  public Future<Taken> take(String userId, int max, long leaseMillis, String lease) {
    return Keys.guard(() -> {
      Keys.lease(lease);
      return redis.eval(InboxScripts.TAKE, keys(userId), RedisScript.args(lease, leaseMillis, Math.max(1, max))).map(r -> {
        if (r.type() == ResponseType.NUMBER) {
          return Taken.held(r.toLong());
        }
        List<JsonObject> messages = new ArrayList<>();
        for (Response message : r) {
          messages.add(new JsonObject(message.toBuffer()));
        }
        return messages.isEmpty() ? Taken.NONE : new Taken(lease, messages);
      });
    });
  }

  @Override
  public Future<Boolean> ack(String userId, String lease, int delivered, String next, long leaseMillis) {
    return Keys.guard(() -> {
      if (next != null) {
        Keys.lease(next);
      }
      return redis.eval(InboxScripts.ACK, keys(userId), RedisScript.args(String.valueOf(lease), Math.max(0, delivered),
          maxPerUser, userId, ACKED_KEPT_MS, next == null ? "" : next, Math.max(0, leaseMillis)))
        .map(r -> r.toInteger() == 1);
    });
  }

  /** The inbox, its batch in delivery, that batch's lease and the index of inboxes. */
  private List<String> keys(String userId) {
    String inbox = redis.key("inbox", Keys.id(userId));
    return List.of(inbox, inbox + ":inflight", inbox + ":lease", redis.key("inboxes"));
  }
}
