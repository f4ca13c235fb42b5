package dev.skillbus.testing;

import dev.skillbus.store.RoomHistory;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** A room history that hands every call to another: tests override the calls they watch or hold. */
public class ForwardingHistory implements RoomHistory {

  protected final RoomHistory inner;

  public ForwardingHistory(RoomHistory inner) {
    this.inner = inner;
  }

  @Override
  public Future<JsonObject> append(String roomId, String event, JsonObject data) {
    return inner.append(roomId, event, data);
  }

  @Override
  public Future<PresenceAppend> appendPresence(String roomId, String event, JsonObject data, long version, String id) {
    return inner.appendPresence(roomId, event, data, version, id);
  }

  @Override
  public Future<JsonObject> appendToStream(String roomId, String event, JsonObject data, String id) {
    return inner.appendToStream(roomId, event, data, id);
  }

  @Override
  public Future<JsonObject> endStream(String roomId, String event, JsonObject data) {
    return inner.endStream(roomId, event, data);
  }

  @Override
  public Future<JsonObject> streamEnd(String roomId) {
    return inner.streamEnd(roomId);
  }

  @Override
  public Future<HistorySlice> position(String roomId) {
    return inner.position(roomId);
  }

  @Override
  public Future<HistorySlice> since(String roomId, long since, String epoch, Page page) {
    return inner.since(roomId, since, epoch, page);
  }

  @Override
  public Future<Void> forget(String roomId) {
    return inner.forget(roomId);
  }

  @Override
  public Future<Boolean> forgetIfIdle(String roomId, long idleMillis) {
    return inner.forgetIfIdle(roomId, idleMillis);
  }
}
