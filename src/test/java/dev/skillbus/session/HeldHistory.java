package dev.skillbus.session;

import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.store.RoomHistory;
import dev.skillbus.testing.ForwardingHistory;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A room history whose chosen calls wait until the test lets them through: the latency of a store
 * on another host, or of a busy node, on demand and in a known order. It can also make a chosen
 * append and answer it failed, as a store write whose answer timed out.
 */
final class HeldHistory extends ForwardingHistory {

  /** One held call: {@link #arrived()} once it came, and it goes on when {@link #release()} is called. */
  static final class Hold {
    private final Promise<Void> arrived = Promise.promise();
    private final Promise<Void> released = Promise.promise();

    Future<Void> arrived() {
      return arrived.future();
    }

    void release() {
      released.tryComplete();
    }
  }

  private final Map<String, Hold> holds = new ConcurrentHashMap<>();
  private final Set<String> lostReplies = ConcurrentHashMap.newKeySet();

  HeldHistory(RoomHistory inner) {
    super(inner);
  }

  /**
   * Holds the next append of {@code event} about {@code userId} (its {@code data.userId}) in the room,
   * a presence event's included.
   */
  Hold holdAppend(String roomId, String event, String userId) {
    return hold("append " + roomId + " " + event + " " + userId);
  }

  /**
   * Makes the next presence append of {@code event} about {@code userId} in the room, and answers it
   * with a 503 all the same.
   */
  void loseReply(String roomId, String event, String userId) {
    lostReplies.add("append " + roomId + " " + event + " " + userId);
  }

  /** Holds the next read of the room's position. */
  Hold holdPosition(String roomId) {
    return hold("position " + roomId);
  }

  private Hold hold(String call) {
    Hold hold = new Hold();
    holds.put(call, hold);
    return hold;
  }

  private <T> Future<T> passing(String call, Supplier<Future<T>> go) {
    Hold hold = holds.remove(call);
    if (hold == null) {
      return go.get();
    }
    hold.arrived.complete();
    return hold.released.future().compose(v -> go.get());
  }

  @Override
  public Future<JsonObject> append(String roomId, String event, JsonObject data) {
    return passing("append " + roomId + " " + event + " " + data.getString("userId"), () -> inner.append(roomId, event, data));
  }

  @Override
  public Future<PresenceAppend> appendPresence(String roomId, String event, JsonObject data, long version, String id) {
    String call = "append " + roomId + " " + event + " " + data.getString("userId");
    return passing(call, () -> inner.appendPresence(roomId, event, data, version, id))
      .compose(made -> lostReplies.remove(call)
        ? Future.failedFuture(ErrorCode.UNAVAILABLE.exception("the store did not answer in time"))
        : Future.succeededFuture(made));
  }

  @Override
  public Future<HistorySlice> position(String roomId) {
    return passing("position " + roomId, () -> inner.position(roomId));
  }
}
