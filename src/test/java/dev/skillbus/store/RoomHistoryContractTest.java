package dev.skillbus.store;

import dev.skillbus.protocol.Envelope;
import dev.skillbus.store.RoomHistory.HistorySlice;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What every {@link RoomHistory} promises, in three contract tests by topic: appending and reading
 * ({@link RoomHistoryReadingContractTest}), a history starting again and a stream ending
 * ({@link RoomHistoryLifecycleContractTest}), and presence events ({@link RoomHistoryPresenceContractTest}).
 * This is what they share. An implementation's test runs each of them as a nested class and says how
 * to build one; the Redis store runs the same tests as the in-memory one.
 */
@ExtendWith(VertxExtension.class)
public abstract class RoomHistoryContractTest {

  protected static final int MAX_EVENTS = 5;
  protected static final long MAX_AGE_SECONDS = 60;

  /** Membership versions are microseconds of the clock: the size of those, where Lua's numbers are doubles. */
  static final long VERSION = 1_763_000_000_000_000L;

  final MutableClock clock = new MutableClock();

  private final Factory factory;

  protected RoomHistoryContractTest(Factory factory) {
    this.factory = factory;
  }

  /** How an implementation's test builds the history that the contract's tests run against. */
  @FunctionalInterface
  public interface Factory {
    RoomHistory create(Vertx vertx, int maxEvents, long maxAgeSeconds, Clock clock);
  }

  /** A fresh, empty history bounded by {@code maxEvents} and {@code maxAgeSeconds} on {@code clock}. */
  protected RoomHistory create(Vertx vertx, int maxEvents, long maxAgeSeconds, Clock clock) {
    return factory.create(vertx, maxEvents, maxAgeSeconds, clock);
  }

  static String room() {
    return "room-" + UUID.randomUUID();
  }

  static Future<Void> appendMany(RoomHistory history, String room, int count) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = 1; i <= count; i++) {
      JsonObject data = new JsonObject().put("n", i);
      chain = chain.compose(v -> history.append(room, "message", data)).mapEmpty();
    }
    return chain;
  }

  static List<Long> seqs(HistorySlice slice) {
    return slice.events().stream().map(e -> e.getLong(Envelope.SEQ)).toList();
  }

  static JsonObject presence(String userId, long version) {
    return new JsonObject().put("userId", userId).put("v", version);
  }

  /** Appends a presence event of {@code userId} at {@code version}, of a change of its own (a fresh id). */
  static Future<RoomHistory.PresenceAppend> appendPresence(RoomHistory history, String room, String event,
                                                           String userId, long version) {
    return history.appendPresence(room, event, presence(userId, version), version, UUID.randomUUID().toString());
  }
}
