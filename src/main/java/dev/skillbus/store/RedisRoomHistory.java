package dev.skillbus.store;

import dev.skillbus.protocol.Envelope;
import dev.skillbus.protocol.Timestamps;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Room history in Redis, shared by every node. A room is three keys: {@code room:<id>:meta}, a hash
 * of its last {@code seq}, its {@code epoch}, when it was last appended to and the highest
 * {@code presence} version stored (see {@link #appendPresence}) and, once the room's stream ended,
 * the seq of the event that {@code ended} it (see {@link #endStream}); {@code room:<id>:events}, a list
 * of {@code "<seq> <appendedAtMs> <envelope without seq>"}; and {@code room:<id>:presence}, the ids
 * of the events the list holds that were appended with one (presence events and, despite the key's
 * name, events of the stream), scored by their seq. Each operation is one Lua script
 * ({@link RoomScripts}), so the next seq and the append are one atomic step whichever node appends.
 * A missing meta means the history was lost (expired, evicted, flushed or forgotten): the room
 * starts again in a new epoch. The keys expire {@code maxAgeSeconds} after the last append.
 */
public final class RedisRoomHistory implements RoomHistory {

  private final RedisLink redis;
  private final int maxEvents;
  private final long maxAgeSeconds;
  private final Clock clock;

  public RedisRoomHistory(RedisLink redis, int maxEvents, long maxAgeSeconds, Clock clock) {
    if (maxEvents < 1 || maxAgeSeconds < 1) {
      throw new IllegalArgumentException("maxEvents and maxAgeSeconds must be positive");
    }
    this.redis = redis;
    this.maxEvents = maxEvents;
    this.maxAgeSeconds = maxAgeSeconds;
    this.clock = clock;
  }

  @Override
  public Future<JsonObject> append(String roomId, String event, JsonObject data) {
    return Keys.guard(() -> {
      JsonObject body = body(roomId, event, data);
      return run(RoomScripts.APPEND, roomId, arg(maxEvents), body.toBuffer())
        .map(r -> envelope(body, r.get(0).toLong(), r.get(1).toString()));
    });
  }

  @Override
  public Future<JsonObject> appendToStream(String roomId, String event, JsonObject data, String id) {
    return appendToStream(roomId, event, data, id == null ? "" : id, false);
  }

  @Override
  public Future<JsonObject> endStream(String roomId, String event, JsonObject data) {
    return appendToStream(roomId, event, data, "", true);
  }

  /**
   * An event of the room's stream, the one that ends it when {@code ends}, with its {@code id} ("" for
   * none): the envelope (the one stored before under that id, if any), or null once the stream ended.
   */
  private Future<JsonObject> appendToStream(String roomId, String event, JsonObject data, String id, boolean ends) {
    return Keys.guard(() -> {
      JsonObject body = body(roomId, event, data);
      return run(RoomScripts.APPEND_TO_STREAM, roomId, arg(maxEvents), body.toBuffer(), arg(ends ? 1 : 0), Buffer.buffer(id))
        .map(r -> r.get(0).toLong() == 0 ? null
          : r.size() == 3 ? entry(r.get(2).toString(), r.get(1).toString())
          : envelope(body, r.get(0).toLong(), r.get(1).toString()));
    });
  }

  @Override
  public Future<JsonObject> streamEnd(String roomId) {
    return Keys.guard(() -> run(RoomScripts.STREAM_END, roomId)
      .map(r -> r.size() == 2 ? entry(r.get(1).toString(), r.get(0).toString()) : null));
  }

  @Override
  public Future<PresenceAppend> appendPresence(String roomId, String event, JsonObject data, long version, String id) {
    return Keys.guard(() -> {
      JsonObject body = body(roomId, event, data);
      return run(RoomScripts.APPEND_PRESENCE, roomId, arg(maxEvents), body.toBuffer(), arg(version), Buffer.buffer(id))
        .map(r -> presenceAppend(r, body, version));
    });
  }

  /** The script's answer: refused, stored before under the id (the entry as stored), or stored now. */
  private static PresenceAppend presenceAppend(Response r, JsonObject body, long version) {
    long seq = r.get(0).toLong();
    if (seq == 0) {
      return new PresenceAppend(null, Long.parseLong(r.get(2).toString()));
    }
    String epoch = r.get(1).toString();
    return r.size() == 4
      ? new PresenceAppend(entry(r.get(3).toString(), epoch), Long.parseLong(r.get(2).toString()))
      : new PresenceAppend(envelope(body, seq, epoch), version);
  }

  @Override
  public Future<HistorySlice> position(String roomId) {
    return Keys.guard(() -> run(RoomScripts.POSITION, roomId)
      .map(r -> {
        String presence = r.get(2).toString();
        return new HistorySlice(List.of(), r.get(0).toLong(), r.get(1).toString(), true,
          presence.isEmpty() ? HistorySlice.NO_PRESENCE : Long.parseLong(presence));
      }));
  }

  @Override
  public Future<HistorySlice> since(String roomId, long since, String epoch, Page page) {
    return Keys.guard(() -> run(RoomScripts.SINCE, roomId, arg(since), Buffer.buffer(epoch == null ? "" : epoch),
        arg(page.maxEvents()), arg(page.maxBytes()))
      .map(r -> slice(r.get(0).toLong(), r.get(1).toString(), r.get(2).toInteger() == 1, r.get(3))));
  }

  @Override
  public Future<Void> forget(String roomId) {
    return Keys.guard(() -> {
      Request del = Request.cmd(Command.DEL);
      keys(roomId).forEach(del::arg);
      return redis.send(del).mapEmpty();
    });
  }

  @Override
  public Future<Boolean> forgetIfIdle(String roomId, long idleMillis) {
    return Keys.guard(() -> redis.eval(RoomScripts.FORGET_IF_IDLE, keys(roomId),
      List.of(arg(clock.millis()), arg(idleMillis))).map(r -> r.toInteger() == 1));
  }

  /** Runs a room script: its keys; arguments now, a fresh epoch, max age, ttl, then {@code extra}. */
  private Future<Response> run(RedisScript script, String roomId, Buffer... extra) {
    List<Buffer> args = new ArrayList<>(List.of(arg(clock.millis()), Buffer.buffer(UUID.randomUUID().toString()),
      arg(maxAgeSeconds * 1000), arg(maxAgeSeconds)));
    args.addAll(List.of(extra));
    return redis.eval(script, keys(roomId), args);
  }

  /** The room's keys, as the scripts take them: meta, events, the presence events' ids. */
  private List<String> keys(String roomId) {
    String id = Keys.id(roomId);
    return List.of(redis.key("room", id, "meta"), redis.key("room", id, "events"), redis.key("room", id, "presence"));
  }

  private static Buffer arg(long value) {
    return Buffer.buffer(Long.toString(value));
  }

  private static HistorySlice slice(long seq, String epoch, boolean complete, Response entries) {
    List<JsonObject> events = new ArrayList<>();
    for (Response entry : entries) {
      events.add(entry(entry.toString(), epoch));
    }
    return new HistorySlice(List.copyOf(events), seq, epoch, complete);
  }

  /** The envelope of an entry of the events list, {@code "<seq> <appendedAtMs> <envelope without seq>"}. */
  private static JsonObject entry(String text, String epoch) {
    int seqEnd = text.indexOf(' ');
    int timeEnd = text.indexOf(' ', seqEnd + 1);
    return envelope(new JsonObject(text.substring(timeEnd + 1)), Long.parseLong(text.substring(0, seqEnd)), epoch);
  }

  /** An envelope as stored, without its seq and epoch: the room's meta holds those. */
  private JsonObject body(String roomId, String event, JsonObject data) {
    return new JsonObject().put(Envelope.EVENT, event).put(Envelope.ROOM, roomId)
      .put(Envelope.TS, Timestamps.iso(clock.millis())).put(Envelope.DATA, data);
  }

  /** The stored body with its seq and epoch, in the field order of {@link Envelope#durable}. */
  private static JsonObject envelope(JsonObject body, long seq, String epoch) {
    return new JsonObject()
      .put(Envelope.EVENT, body.getString(Envelope.EVENT))
      .put(Envelope.ROOM, body.getString(Envelope.ROOM))
      .put(Envelope.SEQ, seq)
      .put(Envelope.EPOCH, epoch)
      .put(Envelope.TS, body.getString(Envelope.TS))
      .put(Envelope.DATA, body.getJsonObject(Envelope.DATA));
  }
}
