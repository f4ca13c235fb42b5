package dev.skillbus.store;

import dev.skillbus.protocol.Envelope;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Predicate;

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

  /**
   * Appends a presence event ({@code user-joined}, {@code user-left}) whose participants are those of
   * the room's membership {@code version}, unless the room's history holds a presence event of a
   * higher version: then it stores nothing and says which version it holds. The check and the append
   * are one atomic step, so presence events are stored in non-decreasing version order and the one
   * with the highest seq carries the latest list. A room whose history started again (a new epoch)
   * holds no version and takes any. The version is kept beside the events, not in the envelope.
   * Versions are non-negative and below 2<sup>53</sup>.
   *
   * <p>{@code id} names the change the event announces (whatever version its list has): an append
   * whose id is that of a presence event the history still holds stores nothing, whatever its
   * version, and answers with that event as it was stored. So an event sent again after an append
   * that failed although it was made (its answer timed out) is stored once. Ids are kept beside the
   * events, as long as their events are.
   */
  Future<PresenceAppend> appendPresence(String roomId, String event, JsonObject data, long version, String id);

  /**
   * Appends an event of the room's stream (a course session's updates) as {@link #append} does,
   * unless the stream ended: the history holds the event that ended it ({@link #endStream}). Then it
   * stores nothing and answers null. The check and the append are one atomic step, so nothing of a
   * stream is stored after its end, whichever node appends and however late. Other events
   * ({@link #append}, {@link #appendPresence}) are not checked: the room goes on after its stream.
   *
   * <p>{@code id} (null for none) names the event, the same on every try of it, and unlike any other
   * event's of the room (presence events' ids included): an append whose id is that of an event the
   * history still holds stores nothing, ended stream or not, and answers with that event as it was
   * stored. So an event sent again after an append that failed although it was made (its answer
   * timed out) is stored once.
   */
  Future<JsonObject> appendToStream(String roomId, String event, JsonObject data, String id);

  /**
   * Appends the event that ends the room's stream (a course session's complete event) and marks the
   * stream ended, in one atomic step; null, storing nothing, when it had ended already, so that the
   * end is stored once. The mark goes with the room's history: a room whose history started again
   * (a new epoch) has a stream that has not ended.
   */
  Future<JsonObject> endStream(String roomId, String event, JsonObject data);

  /**
   * The event that ended the room's stream ({@link #endStream}), found by its seq however many
   * events came after it; null when the stream has not ended, or the history no longer holds that
   * event (trimmed, or the history started again).
   */
  Future<JsonObject> streamEnd(String roomId);

  /**
   * The room's last seq (0 when it has none) and its epoch, and the highest presence version stored
   * (see {@link #appendPresence}; {@link HistorySlice#NO_PRESENCE} when none is).
   */
  Future<HistorySlice> position(String roomId);

  /**
   * The events after {@code since}, oldest first, as many as fit in {@code page}. {@code complete}
   * is false when the history no longer reaches back to {@code since + 1} (trimmed): then the events
   * are those from the first it holds, so that a reader still gets what is kept. Also false, with no
   * events, when {@code epoch} (when given) is not the room's epoch or {@code since} is past its seq:
   * that position is of another history.
   */
  Future<HistorySlice> since(String roomId, long since, String epoch, Page page);

  /** Every event after {@code since}: {@link #since(String, long, String, Page)} with {@link Page#ALL}. */
  default Future<HistorySlice> since(String roomId, long since, String epoch) {
    return since(roomId, since, epoch, Page.ALL);
  }

  /**
   * The room's last {@code count} events (fewer when it holds fewer), whatever their size: for a
   * node's own checks, not for clients, whose pages are bounded in bytes too.
   */
  default Future<HistorySlice> last(String roomId, int count) {
    return position(roomId).compose(position -> position.seq() == 0
      ? Future.succeededFuture(position)
      : since(roomId, Math.max(0, position.seq() - count), position.epoch(), Page.ALL.atMost(count)));
  }

  /** Drops a room's history: its next append starts at seq 1 in a new epoch. */
  Future<Void> forget(String roomId);

  /**
   * Drops a room's history unless an event was appended to it within {@code idleMillis}, by any
   * node. True when the room has no history now (dropped by this call, or gone already); false when
   * it was used within the idle time and is kept. Nodes sharing one history forget a room only when
   * it is idle for all of them.
   */
  Future<Boolean> forgetIfIdle(String roomId, long idleMillis);

  /**
   * What {@link #appendPresence} did: the stored envelope (the one stored before, for an id the
   * history holds), or null when it was refused; and the room's highest presence version stored (the
   * one given, when it was stored now).
   */
  record PresenceAppend(JsonObject envelope, long storedVersion) {

    public boolean stored() {
      return envelope != null;
    }
  }

  /**
   * A part of a room's history: the events, the room's last seq, its epoch, and completeness; and,
   * from {@link #position}, the highest presence version stored: no presence event up to {@code seq}
   * carries a list of a later version ({@link #UNKNOWN_PRESENCE} where it was not read).
   */
  record HistorySlice(List<JsonObject> events, long seq, String epoch, boolean complete, long presenceVersion) {

    /** No presence event is stored: any list is as new as the history's. */
    public static final long NO_PRESENCE = Long.MIN_VALUE;
    /** The presence version was not read: no list may be taken for as new as the history's. */
    public static final long UNKNOWN_PRESENCE = Long.MAX_VALUE;

    public HistorySlice(List<JsonObject> events, long seq, String epoch, boolean complete) {
      this(events, seq, epoch, complete, UNKNOWN_PRESENCE);
    }

    /**
     * True when events after the last one returned exist up to {@link #seq}: the page was full, and
     * the rest is read with {@code since} = the last seq returned.
     */
    public boolean more() {
      return !events.isEmpty() && events.get(events.size() - 1).getLong(Envelope.SEQ) < seq;
    }

    /** The latest of these events whose name {@code named} accepts, or null. */
    public JsonObject latest(Predicate<String> named) {
      for (int i = events.size() - 1; i >= 0; i--) {
        if (named.test(events.get(i).getString(Envelope.EVENT))) {
          return events.get(i);
        }
      }
      return null;
    }
  }

  /**
   * How much one read returns: at most {@code maxEvents} events, and no more of them than fit in
   * {@code maxBytes} of JSON (each event counted as the envelope a client receives). The first
   * event is returned even when it alone is larger, so that a reader always gets on.
   */
  record Page(int maxEvents, long maxBytes) {

    /** No bound: everything after since. */
    public static final Page ALL = new Page(Integer.MAX_VALUE, Long.MAX_VALUE);

    public Page {
      if (maxEvents < 1 || maxBytes < 1) {
        throw new IllegalArgumentException("a page holds at least one event and one byte");
      }
    }

    /** This page with at most {@code limit} events. */
    public Page atMost(int limit) {
      return new Page(Math.min(maxEvents, limit), maxBytes);
    }

    /** Whether a page of {@code events} events holds another one that brings it to {@code bytes}. */
    boolean takes(int events, long bytes) {
      return events < maxEvents && (events == 0 || bytes <= maxBytes);
    }
  }
}
