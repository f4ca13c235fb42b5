package dev.skillbus.store;

import dev.skillbus.protocol.Envelope;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Room history held in this node's memory: for a single node, or for tests. Every operation runs
 * inside {@link ConcurrentHashMap#compute} so that appends, reads and {@link #forget} of one room
 * never interleave, whichever thread calls them.
 *
 * <p>A room's entry is created at its first use (also by {@link #position} and {@link #since}), so the
 * epoch reported before the first append is the one that append gets; the session sweeper forgets
 * idle rooms, which keeps memory bounded by the rooms in use.
 */
public final class InMemoryRoomHistory implements RoomHistory {

  private final Map<String, Room> rooms = new ConcurrentHashMap<>();
  private final int maxEvents;
  private final long maxAgeMillis;
  private final Clock clock;

  public InMemoryRoomHistory(int maxEvents, long maxAgeSeconds) {
    this(maxEvents, maxAgeSeconds, Clock.systemUTC());
  }

  /** With the clock that decides when events are old enough to trim (tests move it by hand). */
  public InMemoryRoomHistory(int maxEvents, long maxAgeSeconds, Clock clock) {
    if (maxEvents < 1 || maxAgeSeconds < 1) {
      throw new IllegalArgumentException("maxEvents and maxAgeSeconds must be positive");
    }
    this.maxEvents = maxEvents;
    this.maxAgeMillis = maxAgeSeconds * 1000;
    this.clock = clock;
  }

  @Override
  public Future<JsonObject> append(String roomId, String event, JsonObject data) {
    // The room keeps the envelope's bytes, not this tree: the caller may have it as it is.
    return Future.succeededFuture(inRoom(roomId,
      room -> room.append(event, data, null, StoredEvent.DEFLATE_FROM_BYTES, clock.millis())));
  }

  @Override
  public Future<PresenceAppend> appendPresence(String roomId, String event, JsonObject data, long version, String id) {
    return Future.succeededFuture(inRoom(roomId, room -> {
      room.trim(clock.millis());
      StoredEvent known = room.ids.get(id);
      if (known != null) {
        return new PresenceAppend(known.envelope(), room.presenceVersion);
      }
      if (version < room.presenceVersion) {
        return new PresenceAppend(null, room.presenceVersion);
      }
      room.presenceVersion = version;
      return new PresenceAppend(room.append(event, data, id, StoredEvent.DEFLATE_PRESENCE_FROM_BYTES, clock.millis()), version);
    }));
  }

  @Override
  public Future<JsonObject> appendToStream(String roomId, String event, JsonObject data, String id) {
    return Future.succeededFuture(inRoom(roomId, room -> room.appendToStream(event, data, id, false, clock.millis())));
  }

  @Override
  public Future<JsonObject> endStream(String roomId, String event, JsonObject data) {
    return Future.succeededFuture(inRoom(roomId, room -> room.appendToStream(event, data, null, true, clock.millis())));
  }

  @Override
  public Future<JsonObject> streamEnd(String roomId) {
    return Future.succeededFuture(inRoom(roomId, Room::streamEnd));
  }

  @Override
  public Future<HistorySlice> position(String roomId) {
    return Future.succeededFuture(inRoom(roomId, room -> new HistorySlice(List.of(), room.seq, room.epoch, true, room.presenceVersion)));
  }

  @Override
  public Future<HistorySlice> since(String roomId, long since, String epoch, Page page) {
    return Future.succeededFuture(inRoom(roomId, room -> room.since(since, epoch, page)));
  }

  /** Runs {@code operation} on the room, created when it has no entry, with nothing else of that room interleaving. */
  private <T> T inRoom(String roomId, Function<Room, T> operation) {
    List<T> result = new ArrayList<>(1);
    rooms.compute(roomId, (id, room) -> {
      Room r = room == null ? new Room(id) : room;
      result.add(operation.apply(r));
      return r;
    });
    return result.get(0);
  }

  @Override
  public Future<Void> forget(String roomId) {
    rooms.remove(roomId);
    return Future.succeededFuture();
  }

  @Override
  public Future<Boolean> forgetIfIdle(String roomId, long idleMillis) {
    boolean[] gone = {true};
    long now = clock.millis();
    rooms.computeIfPresent(roomId, (id, room) -> {
      gone[0] = now - room.lastAppend >= idleMillis;
      return gone[0] ? null : room;
    });
    return Future.succeededFuture(gone[0]);
  }

  /**
   * One room's events, oldest first; {@code seq} is the last seq ever given, trimmed or not. Forgotten,
   * a room starts again with a new entry: a new epoch, without presence version.
   */
  private final class Room {
    private final String roomId;
    private final String epoch = UUID.randomUUID().toString();
    private final Deque<StoredEvent> events = new ArrayDeque<>();
    private long seq;
    private long lastAppend = clock.millis();
    /** The highest version of a presence event stored in this epoch; none yet at first. */
    private long presenceVersion = Long.MIN_VALUE;
    /** The events held that were appended with an id (presence events, events of the stream), by id. */
    private final Map<String, StoredEvent> ids = new HashMap<>();
    /** The seq of the event that ended the room's stream (in this epoch); 0 while it has not ended. */
    private long streamEnd;

    Room(String roomId) {
      this.roomId = roomId;
    }

    /** Appends the event, with its {@code id} or none (null), kept deflated from {@code deflateFrom} bytes. */
    JsonObject append(String event, JsonObject data, String id, int deflateFrom, long now) {
      seq++;
      JsonObject envelope = Envelope.durable(event, roomId, seq, epoch, data);
      StoredEvent stored = StoredEvent.of(seq, envelope.toBuffer().getBytes(), id, deflateFrom, now);
      events.addLast(stored);
      if (id != null) {
        ids.put(id, stored);
      }
      lastAppend = now;
      trim(now);
      return envelope;
    }

    /**
     * Appends an event of the stream, the one that ends it when {@code ends}; null once it ended.
     * An event with the {@code id} of one held is that one, as it was stored.
     */
    JsonObject appendToStream(String event, JsonObject data, String id, boolean ends, long now) {
      trim(now);
      StoredEvent known = id == null ? null : ids.get(id);
      if (known != null) {
        return known.envelope();
      }
      if (streamEnd > 0) {
        return null;
      }
      JsonObject envelope = append(event, data, id, StoredEvent.DEFLATE_FROM_BYTES, now);
      streamEnd = ends ? seq : 0;
      return envelope;
    }

    /** The event that ended the stream, while it is held; else null. */
    JsonObject streamEnd() {
      trim(clock.millis());
      if (streamEnd > 0) {
        for (StoredEvent stored : events) {
          if (stored.seq() == streamEnd) {
            return stored.envelope();
          }
        }
      }
      return null;
    }

    HistorySlice since(long since, String expectedEpoch, Page page) {
      trim(clock.millis());
      boolean sameEpoch = expectedEpoch == null || expectedEpoch.equals(epoch);
      // The first seq still held; with nothing held, everything up to seq is known.
      long first = events.isEmpty() ? seq + 1 : events.peekFirst().seq();
      if (!sameEpoch || since > seq) {
        // The client's position is of another history: it must resync, so no partial list.
        return new HistorySlice(List.of(), seq, epoch, false);
      }
      // Trimmed past the client's position: what is held, from its first event, not complete.
      boolean complete = since + 1 >= first;
      List<JsonObject> missed = new ArrayList<>();
      long bytes = 0;
      for (StoredEvent stored : events) {
        if (stored.seq() <= since) {
          continue;
        }
        bytes += stored.jsonSize();
        if (!page.takes(missed.size(), bytes)) {
          break;
        }
        missed.add(stored.envelope());
      }
      return new HistorySlice(List.copyOf(missed), seq, epoch, complete);
    }

    private void trim(long now) {
      while (events.size() > maxEvents || !events.isEmpty() && now - events.peekFirst().appendedAt() > maxAgeMillis) {
        StoredEvent dropped = events.removeFirst();
        if (dropped.id() != null) {
          ids.remove(dropped.id(), dropped);
        }
      }
    }
  }
}
