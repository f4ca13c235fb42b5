package dev.skillbus.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Inboxes in this node's memory: for a single node, or for tests. Inboxes are kept in the order of
 * their last message, so the expired ones are always at the head and are dropped as new messages
 * arrive: memory follows the users notified within the expiry time, and at most {@code maxUsers}
 * of them, counted once the expired ones are dropped.
 */
public final class InMemoryInbox implements InboxStore {

  private final Map<String, Box> boxes = new LinkedHashMap<>();
  private final int maxValueBytes;
  private final int maxPerUser;
  private final long ttlMillis;
  private final int maxUsers;
  private final Clock clock;

  public InMemoryInbox(int maxValueBytes, int maxPerUser, long ttlSeconds, int maxUsers, Clock clock) {
    this.maxValueBytes = maxValueBytes;
    this.maxPerUser = maxPerUser;
    this.ttlMillis = ttlSeconds * 1000;
    this.maxUsers = maxUsers;
    this.clock = clock;
  }

  private static final class Box {
    final Deque<JsonObject> messages = new ArrayDeque<>();
    long lastPush;
  }

  @Override
  public synchronized Future<Void> push(String userId, JsonObject message) {
    return add(userId, message, true);
  }

  @Override
  public synchronized Future<Void> putBack(String userId, JsonObject message) {
    return add(userId, message, false);
  }

  private Future<Void> add(String userId, JsonObject message, boolean capped) {
    return Keys.guard(() -> {
      Keys.id(userId);
      Keys.encode(message, maxValueBytes);
      long now = clock.millis();
      dropExpired(now);
      Box box = boxes.remove(userId);
      if (box == null && capped && boxes.size() >= maxUsers) {
        return Future.failedFuture(InboxStore.full(maxUsers));
      }
      box = box == null ? new Box() : box;
      box.messages.addLast(message.copy());
      while (box.messages.size() > maxPerUser) {
        box.messages.removeFirst();
      }
      box.lastPush = now;
      boxes.put(userId, box);
      return Future.succeededFuture();
    });
  }

  @Override
  public synchronized Future<List<JsonObject>> take(String userId) {
    return Keys.guard(() -> {
      Keys.id(userId);
      dropExpired(clock.millis());
      Box box = boxes.remove(userId);
      return Future.succeededFuture(box == null ? List.of() : List.copyOf(box.messages));
    });
  }

  private void dropExpired(long now) {
    for (Iterator<Box> it = boxes.values().iterator(); it.hasNext(); ) {
      if (now - it.next().lastPush < ttlMillis) {
        return;
      }
      it.remove();
    }
  }
}
