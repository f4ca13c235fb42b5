package dev.skillbus.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Inboxes in this node's memory: for a single node, or for tests. Inboxes are kept in the order of
 * their last message, so the expired ones are always at the head and are dropped as new messages
 * arrive: memory follows the users notified within the expiry time, and at most {@code maxUsers}
 * of them, counted once the expired ones are dropped. A batch in delivery stays in its inbox's
 * entry, so it counts and expires with it.
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
    List<JsonObject> inFlight = List.of();
    String lease;
    long leaseEnds;
    long lastPush;
  }

  @Override
  public synchronized Future<Void> push(String userId, JsonObject message) {
    return Keys.guard(() -> {
      Keys.id(userId);
      Keys.encode(message, maxValueBytes);
      long now = clock.millis();
      dropExpired(now);
      Box box = boxes.remove(userId);
      if (box == null && boxes.size() >= maxUsers) {
        return Future.failedFuture(InboxStore.full(maxUsers));
      }
      box = box == null ? new Box() : box;
      box.messages.addLast(message.copy());
      trim(box);
      box.lastPush = now;
      boxes.put(userId, box);
      return Future.succeededFuture();
    });
  }

  @Override
  public synchronized Future<Taken> take(String userId, int max, long leaseMillis) {
    return Keys.guard(() -> {
      Keys.id(userId);
      long now = clock.millis();
      dropExpired(now);
      Box box = boxes.get(userId);
      if (box == null || box.lease != null && now < box.leaseEnds) {
        return Future.succeededFuture(Taken.NONE);
      }
      if (box.inFlight.isEmpty()) {
        List<JsonObject> batch = new ArrayList<>();
        while (batch.size() < Math.max(1, max) && !box.messages.isEmpty()) {
          batch.add(box.messages.removeFirst());
        }
        box.inFlight = List.copyOf(batch);
      }
      if (box.inFlight.isEmpty()) {
        return Future.succeededFuture(Taken.NONE);
      }
      box.lease = UUID.randomUUID().toString();
      box.leaseEnds = now + leaseMillis;
      return Future.succeededFuture(new Taken(box.lease, box.inFlight));
    });
  }

  @Override
  public synchronized Future<Boolean> ack(String userId, String lease, int delivered) {
    return Keys.guard(() -> {
      Keys.id(userId);
      dropExpired(clock.millis());
      Box box = boxes.get(userId);
      if (box == null || box.lease == null || !box.lease.equals(lease)) {
        return Future.succeededFuture(false);
      }
      List<JsonObject> rest = box.inFlight.subList(Math.max(0, Math.min(delivered, box.inFlight.size())), box.inFlight.size());
      for (int i = rest.size() - 1; i >= 0; i--) {
        box.messages.addFirst(rest.get(i));
      }
      trim(box);
      box.inFlight = List.of();
      box.lease = null;
      if (box.messages.isEmpty()) {
        boxes.remove(userId);
      }
      return Future.succeededFuture(true);
    });
  }

  /** Keeps the newest {@code maxPerUser} messages. */
  private void trim(Box box) {
    while (box.messages.size() > maxPerUser) {
      box.messages.removeFirst();
    }
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
