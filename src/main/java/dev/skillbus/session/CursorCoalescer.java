package dev.skillbus.session;

import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;

/**
 * Holds each user's cursor in each room to at most {@code maxPerSecond} publications. A cursor that
 * comes sooner than that replaces any pending one, and the latest is published when the interval has
 * passed, by one short timer per pending (room, user). Used only on the verticle's event loop.
 */
final class CursorCoalescer {

  /** Where a cursor goes once it may be published. */
  interface Sink {
    void publish(String roomId, String userId, String originConn, int line, int column);
  }

  private final Vertx vertx;
  private final long intervalNanos;
  private final Sink sink;
  private final Map<String, Slot> slots = new HashMap<>();

  CursorCoalescer(Vertx vertx, int maxPerSecond, Sink sink) {
    if (maxPerSecond < 1) {
      throw new IllegalArgumentException("cursorMaxPerSecond must be at least 1");
    }
    this.vertx = vertx;
    this.intervalNanos = 1_000_000_000L / maxPerSecond;
    this.sink = sink;
  }

  void submit(String roomId, String userId, String originConn, int line, int column) {
    Pending cursor = new Pending(roomId, userId, originConn, line, column);
    String key = key(roomId, userId);
    long now = System.nanoTime();
    Slot slot = slots.computeIfAbsent(key, k -> new Slot(now - intervalNanos));
    if (slot.timerId < 0 && now - slot.lastPublished >= intervalNanos) {
      publish(slot, cursor, now);
      return;
    }
    slot.pending = cursor;
    if (slot.timerId < 0) {
      long waitMillis = Math.max(1, (slot.lastPublished + intervalNanos - now + 999_999) / 1_000_000);
      slot.timerId = vertx.setTimer(waitMillis, id -> flush(key));
    }
  }

  /** Forgets the user's slot in the room, dropping a pending cursor: they left. */
  void cancel(String roomId, String userId) {
    Slot slot = slots.remove(key(roomId, userId));
    if (slot != null && slot.timerId >= 0) {
      vertx.cancelTimer(slot.timerId);
    }
  }

  void cancelAll() {
    slots.values().forEach(slot -> {
      if (slot.timerId >= 0) {
        vertx.cancelTimer(slot.timerId);
      }
    });
    slots.clear();
  }

  private void flush(String key) {
    Slot slot = slots.get(key);
    if (slot == null) {
      return;
    }
    slot.timerId = -1;
    Pending cursor = slot.pending;
    slot.pending = null;
    if (cursor != null) {
      publish(slot, cursor, System.nanoTime());
    }
  }

  private void publish(Slot slot, Pending cursor, long now) {
    slot.lastPublished = now;
    sink.publish(cursor.roomId, cursor.userId, cursor.originConn, cursor.line, cursor.column);
  }

  private static String key(String roomId, String userId) {
    // Neither id may contain a newline (Fields patterns), so the key is unambiguous.
    return roomId + '\n' + userId;
  }

  private record Pending(String roomId, String userId, String originConn, int line, int column) {
  }

  private static final class Slot {
    private long lastPublished;
    private long timerId = -1;
    private Pending pending;

    Slot(long lastPublished) {
      this.lastPublished = lastPublished;
    }
  }
}
