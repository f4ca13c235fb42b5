package dev.skillbus.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * The durable events of each room, in order. Each room has a gap-free {@code seq} (1, 2, 3, …) and
 * an {@code epoch} that changes whenever the room's history was lost, so a client can tell "nothing
 * missed" from "history gone". Bounded by size and age; an idle room is forgotten.
 */
public interface RoomHistory {

  /**
   * Appends an event: assigns the room's next seq atomically and returns the complete envelope
   * ({@code event, room, seq, epoch, ts, data}) as stored.
   */
  Future<JsonObject> append(String roomId, String event, JsonObject data);

  /** The room's last seq (0 when it has none) and its epoch. */
  Future<HistorySlice> position(String roomId);

  /**
   * The events after {@code since}, oldest first. {@code complete} is false when the history no
   * longer reaches back to {@code since + 1}, or {@code epoch} (when given) is not the room's epoch.
   */
  Future<HistorySlice> since(String roomId, long since, String epoch);

  /** Drops a room's history: its next append starts at seq 1 in a new epoch. */
  Future<Void> forget(String roomId);

  /**
   * Drops a room's history unless an event was appended to it within {@code idleMillis}, by any
   * node; true when it was dropped. Nodes sharing one history forget a room only when it is idle
   * for all of them.
   */
  Future<Boolean> forgetIfIdle(String roomId, long idleMillis);

  /** A part of a room's history: the events, the room's last seq, its epoch, and completeness. */
  record HistorySlice(java.util.List<JsonObject> events, long seq, String epoch, boolean complete) {
  }
}
