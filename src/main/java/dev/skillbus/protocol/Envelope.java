package dev.skillbus.protocol;

import io.vertx.core.json.JsonObject;

/**
 * The one shape of everything a browser receives on {@code room.<id>} or {@code user.<id>}:
 * {@code {event, room, seq?, epoch?, ts, data}}. Volatile events carry no {@code seq}/{@code epoch}.
 */
public final class Envelope {

  public static final String EVENT = "event";
  public static final String ROOM = "room";
  public static final String SEQ = "seq";
  public static final String EPOCH = "epoch";
  public static final String TS = "ts";
  public static final String DATA = "data";

  private Envelope() {
  }

  /** A volatile envelope (no seq), stamped now. */
  public static JsonObject of(String event, String room, JsonObject data) {
    return new JsonObject()
      .put(EVENT, event)
      .put(ROOM, room)
      .put(TS, Timestamps.now())
      .put(DATA, data);
  }

  /** A durable envelope: the room's {@code seq} and history {@code epoch}. */
  public static JsonObject durable(String event, String room, long seq, String epoch, JsonObject data) {
    return new JsonObject()
      .put(EVENT, event)
      .put(ROOM, room)
      .put(SEQ, seq)
      .put(EPOCH, epoch)
      .put(TS, Timestamps.now())
      .put(DATA, data);
  }
}
