package dev.skillbus.store;

import static dev.skillbus.store.RoomHistoryContractTest.MAX_AGE_SECONDS;
import static dev.skillbus.store.RoomHistoryContractTest.MAX_EVENTS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.protocol.Envelope;
import dev.skillbus.testing.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("RedisRoomHistory keeps the room history contract")
@ExtendWith(VertxExtension.class)
class RedisRoomHistoryTest {

  @RegisterExtension
  static final TestRedis REDIS = new TestRedis(6001);

  static RoomHistory create(Vertx vertx, int maxEvents, long maxAgeSeconds, Clock clock) {
    return new RedisRoomHistory(REDIS.link(vertx), maxEvents, maxAgeSeconds, clock);
  }

  @Nested
  class Reading extends RoomHistoryReadingContractTest {
    Reading() {
      super(RedisRoomHistoryTest::create);
    }
  }

  @Nested
  class Lifecycle extends RoomHistoryLifecycleContractTest {
    Lifecycle() {
      super(RedisRoomHistoryTest::create);
    }
  }

  @Nested
  class Presence extends RoomHistoryPresenceContractTest {
    Presence() {
      super(RedisRoomHistoryTest::create);
    }
  }

  @Test
  @DisplayName("a history lost in Redis (flushed) starts again in a new epoch, and an old epoch's since is incomplete")
  void lostHistoryChangesTheEpoch(Vertx vertx, VertxTestContext ctx) {
    RoomHistory history = create(vertx, MAX_EVENTS, MAX_AGE_SECONDS, Clock.systemUTC());
    String room = "lost-" + UUID.randomUUID();
    history.append(room, "message", new JsonObject())
      .compose(first -> REDIS.command(vertx, REDIS.url(), Request.cmd(Command.FLUSHALL))
        .compose(v -> history.since(room, first.getLong(Envelope.SEQ), first.getString(Envelope.EPOCH)))
        .compose(after -> history.append(room, "message", new JsonObject()).map(next -> {
          ctx.verify(() -> {
            assertThat(after.complete()).isFalse();
            assertThat(after.epoch()).isNotEqualTo(first.getString(Envelope.EPOCH));
            assertThat(next.getLong(Envelope.SEQ)).isEqualTo(1L);
            assertThat(next.getString(Envelope.EPOCH)).isEqualTo(after.epoch());
          });
          return next;
        })))
      .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("appends racing through two clients (as from two nodes) get every seq once, in one order")
  void racingAppendsAreGapFree(Vertx vertx, VertxTestContext ctx) {
    RoomHistory one = create(vertx, 500, MAX_AGE_SECONDS, Clock.systemUTC());
    RoomHistory two = create(vertx, 500, MAX_AGE_SECONDS, Clock.systemUTC());
    String room = "race-" + UUID.randomUUID();
    List<Future<JsonObject>> appends = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      appends.add((i % 2 == 0 ? one : two).append(room, "message", new JsonObject().put("n", i)));
    }
    Future.all(appends)
      .compose(v -> one.since(room, 0, null))
      .onComplete(ctx.succeeding(slice -> ctx.verify(() -> {
        assertThat(slice.complete()).isTrue();
        assertThat(slice.events()).extracting(e -> e.getLong(Envelope.SEQ))
          .containsExactlyElementsOf(LongStream.rangeClosed(1, 100).boxed().toList());
        for (Future<JsonObject> append : appends) {
          JsonObject acked = append.result();
          assertThat(slice.events().get(acked.getLong(Envelope.SEQ).intValue() - 1)).isEqualTo(acked);
        }
        ctx.completeNow();
      })));
  }

  @Test
  @DisplayName("a stream's events and its end racing through two clients (as from two nodes): nothing of it is stored after its end, which is stored once")
  void racingTheEndFromTwoNodes(Vertx vertx, VertxTestContext ctx) {
    RoomHistory one = create(vertx, 500, MAX_AGE_SECONDS, Clock.systemUTC());
    RoomHistory two = create(vertx, 500, MAX_AGE_SECONDS, Clock.systemUTC());
    String room = "stream-race-" + UUID.randomUUID();
    List<Future<JsonObject>> updates = new ArrayList<>();
    List<Future<JsonObject>> ends = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      updates.add(one.appendToStream(room, "update", new JsonObject().put("n", i), "u" + i));
      if (i % 25 == 10) {
        ends.add(two.endStream(room, "complete", new JsonObject().put("n", i)));
      }
    }
    Future.all(updates).compose(v -> Future.all(ends))
      .compose(v -> two.since(room, 0, null))
      .onComplete(ctx.succeeding(slice -> ctx.verify(() -> {
        List<JsonObject> storedEnds = ends.stream().map(Future::result).filter(e -> e != null).toList();
        assertThat(storedEnds).hasSize(1);
        long endSeq = storedEnds.get(0).getLong(Envelope.SEQ);
        assertThat(slice.seq()).isEqualTo(endSeq);
        assertThat(slice.events().get(slice.events().size() - 1)).isEqualTo(storedEnds.get(0));
        assertThat(updates).map(Future::result).filteredOn(e -> e != null)
          .hasSize((int) endSeq - 1)
          .allSatisfy(e -> assertThat(e.getLong(Envelope.SEQ)).isLessThan(endSeq));
        ctx.completeNow();
      })));
  }
}
