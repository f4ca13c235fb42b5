package dev.skillbus.store;

import dev.skillbus.protocol.ErrorCode;
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

/**
 * Inboxes in this node's memory: for a single node, or for tests. Inboxes are kept in the order of
 * their last message, so the expired ones are always at the head and are dropped as new messages
 * arrive: memory follows the users notified within the expiry time, and at most {@code maxUsers}
 * of them, counted once the expired ones are dropped. A batch in delivery stays in its inbox's
 * entry, so it counts and expires with it. What all inboxes hold is bounded by {@code maxBytes}
 * (their messages' JSON size): a notification past it is refused, as one past {@code maxUsers} is.
 */
public final class InMemoryInbox implements InboxStore {

  private final Map<String, Box> boxes = new LinkedHashMap<>();
  private final int maxValueBytes;
  private final int maxPerUser;
  private final long ttlMillis;
  private final int maxUsers;
  private final long maxBytes;
  private final Clock clock;
  /** The JSON size of every message held, in flight or not. */
  private long bytes;

  public InMemoryInbox(int maxValueBytes, int maxPerUser, long ttlSeconds, int maxUsers, long maxBytes, Clock clock) {
    this.maxValueBytes = maxValueBytes;
    this.maxPerUser = maxPerUser;
    this.ttlMillis = ttlSeconds * 1000;
    this.maxUsers = maxUsers;
    this.maxBytes = maxBytes;
    this.clock = clock;
  }

  /** A message and its JSON size. */
  private record Held(JsonObject message, int bytes) {
  }

  private static final class Box {
    final Deque<Held> messages = new ArrayDeque<>();
    List<Held> inFlight = List.of();
    String lease;
    long leaseEnds;
    /** The last lease acknowledged: a take under it takes nothing (it ran late). */
    String acked;
    long lastPush;

    long bytes() {
      return messages.stream().mapToLong(Held::bytes).sum() + inFlight.stream().mapToLong(Held::bytes).sum();
    }
  }

  @Override
  public synchronized Future<Void> push(String userId, JsonObject message) {
    return push(userId, message, false).mapEmpty();
  }

  @Override
  public synchronized Future<Behind> pushBehind(String userId, JsonObject message) {
    return push(userId, message, true);
  }

  private Future<Behind> push(String userId, JsonObject message, boolean behind) {
    return Keys.guard(() -> {
      Keys.id(userId);
      int size = Keys.encode(message, maxValueBytes).length();
      long now = clock.millis();
      dropExpired(now);
      Box box = boxes.get(userId);
      if (behind && box == null) {
        return Future.succeededFuture(Behind.NO_INBOX);
      }
      if (behind && (box.messages.size() + box.inFlight.size() >= maxPerUser || bytes + size > maxBytes)) {
        return Future.succeededFuture(Behind.FULL);
      }
      if (box == null && boxes.size() >= maxUsers) {
        return Future.failedFuture(InboxStore.full(maxUsers));
      }
      if (bytes + size > maxBytes) {
        return Future.failedFuture(ErrorCode.TOO_LARGE.exception("offline inboxes are full: the notifications queued on this node"
          + " take " + bytes + " of at most " + maxBytes + " bytes (INBOX_MAX_MEMORY_MB); nothing was queued for this user"));
      }
      boxes.remove(userId);
      box = box == null ? new Box() : box;
      box.messages.addLast(new Held(message.copy(), size));
      bytes += size;
      trim(box);
      box.lastPush = now;
      boxes.put(userId, box);
      return Future.succeededFuture(Behind.QUEUED);
    });
  }

  @Override
  public synchronized Future<Taken> take(String userId, int max, long leaseMillis, String lease) {
    return Keys.guard(() -> {
      Keys.id(userId);
      Keys.lease(lease);
      long now = clock.millis();
      dropExpired(now);
      Box box = boxes.get(userId);
      if (box == null) {
        return Future.succeededFuture(Taken.NONE);
      }
      if (lease.equals(box.acked)) {
        return Future.succeededFuture(Taken.NONE);
      }
      if (box.lease != null && now < box.leaseEnds && !box.lease.equals(lease)) {
        return Future.succeededFuture(Taken.held(box.leaseEnds - now));
      }
      if (box.inFlight.isEmpty()) {
        List<Held> batch = new ArrayList<>();
        while (batch.size() < Math.max(1, max) && !box.messages.isEmpty()) {
          batch.add(box.messages.removeFirst());
        }
        box.inFlight = List.copyOf(batch);
      }
      if (box.inFlight.isEmpty()) {
        return Future.succeededFuture(Taken.NONE);
      }
      box.lease = lease;
      box.leaseEnds = now + leaseMillis;
      return Future.succeededFuture(new Taken(lease, box.inFlight.stream().map(Held::message).toList()));
    });
  }

  @Override
  public synchronized Future<Boolean> ack(String userId, String lease, int delivered, String next, long leaseMillis) {
    return Keys.guard(() -> {
      Keys.id(userId);
      if (next != null) {
        Keys.lease(next);
      }
      long now = clock.millis();
      dropExpired(now);
      Box box = boxes.get(userId);
      if (box == null || box.lease == null || !box.lease.equals(lease)) {
        return Future.succeededFuture(false);
      }
      int written = Math.max(0, Math.min(delivered, box.inFlight.size()));
      bytes -= box.inFlight.subList(0, written).stream().mapToLong(Held::bytes).sum();
      List<Held> rest = box.inFlight.subList(written, box.inFlight.size());
      for (int i = rest.size() - 1; i >= 0; i--) {
        box.messages.addFirst(rest.get(i));
      }
      trim(box);
      box.inFlight = List.of();
      box.acked = lease;
      box.lease = null;
      if (box.messages.isEmpty()) {
        boxes.remove(userId);
      } else if (next != null) {
        box.lease = next;
        box.leaseEnds = now + leaseMillis;
      }
      return Future.succeededFuture(true);
    });
  }

  /** Keeps the newest {@code maxPerUser} messages. */
  private void trim(Box box) {
    while (box.messages.size() > maxPerUser) {
      bytes -= box.messages.removeFirst().bytes();
    }
  }

  private void dropExpired(long now) {
    for (Iterator<Box> it = boxes.values().iterator(); it.hasNext(); ) {
      Box box = it.next();
      if (now - box.lastPush < ttlMillis) {
        return;
      }
      bytes -= box.bytes();
      it.remove();
    }
  }
}
