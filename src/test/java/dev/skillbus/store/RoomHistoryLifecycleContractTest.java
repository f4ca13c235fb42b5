package dev.skillbus.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.protocol.Envelope;
import dev.skillbus.store.RoomHistory.HistorySlice;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RoomHistory} promises about a history starting again and a room's stream ending:
 * a since of another epoch, forgetting a room (at once, or once idle), and the event that ends the
 * room's stream, after which nothing of that stream is stored.
 */
public abstract class RoomHistoryLifecycleContractTest extends RoomHistoryContractTest {

  protected RoomHistoryLifecycleContractTest(Factory factory) {
    super(factory);
  }

  @Test
  @DisplayName("a since with another epoch is incomplete and returns no events")
  void epochMismatch(Vertx vertx, VertxTestContext ctx) {
    RoomHistory history = create(vertx, MAX_EVENTS, MAX_AGE_SECONDS, clock);
    String room = room();
    appendMany(history, room, 2)
      .compose(v -> history.since(room, 0, "some-other-epoch"))
      .onComplete(ctx.succeeding(slice -> ctx.verify(() -> {
        assertThat(slice.complete()).isFalse();
        assertThat(slice.events()).isEmpty();
        assertThat(slice.more()).isFalse();
        ctx.completeNow();
      })));
  }

  @Test
  @DisplayName("forget drops a room's events: it starts again at seq 1 in a new epoch")
  void forgetStartsANewEpoch(Vertx vertx, VertxTestContext ctx) {
    RoomHistory history = create(vertx, MAX_EVENTS, MAX_AGE_SECONDS, clock);
    String room = room();
    appendMany(history, room, 3)
      .compose(v -> history.position(room))
      .compose(before -> history.forget(room)
        .compose(v -> history.since(room, 3, before.epoch()))
        .compose(after -> history.append(room, "message", new JsonObject())
          .map(env -> {
            ctx.verify(() -> {
              assertThat(after.complete()).isFalse();
              assertThat(after.epoch()).isNotEqualTo(before.epoch());
              assertThat(env.getLong(Envelope.SEQ)).isEqualTo(1L);
              assertThat(env.getString(Envelope.EPOCH)).isEqualTo(after.epoch());
            });
            return env;
          })))
      .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("forgetIfIdle keeps a room appended to within the idle time and drops one idle for longer")
  void forgetIfIdle(Vertx vertx, VertxTestContext ctx) {
    RoomHistory history = create(vertx, MAX_EVENTS, MAX_AGE_SECONDS, clock);
    String room = room();
    long idleMillis = Duration.ofSeconds(30).toMillis();
    appendMany(history, room, 2)
      .compose(v -> history.position(room))
      .compose(before -> history.forgetIfIdle(room, idleMillis)
        .compose(recent -> {
          clock.advance(Duration.ofMillis(idleMillis + 1));
          return history.forgetIfIdle(room, idleMillis).map(idle -> List.of(recent, idle));
        })
        .compose(dropped -> history.position(room).map(after -> {
          ctx.verify(() -> {
            assertThat(dropped).containsExactly(false, true);
            assertThat(after.seq()).isZero();
            assertThat(after.epoch()).isNotEqualTo(before.epoch());
          });
          return after;
        })))
      .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("forgetIfIdle of a room with no history says it is gone, so that nobody asks again")
  void forgetIfIdleOfNoHistory(Vertx vertx, VertxTestContext ctx) {
    RoomHistory history = create(vertx, MAX_EVENTS, MAX_AGE_SECONDS, clock);
    history.forgetIfIdle(room(), Duration.ofSeconds(30).toMillis())
      .onComplete(ctx.succeeding(gone -> ctx.verify(() -> {
        assertThat(gone).isTrue();
        ctx.completeNow();
      })));
  }

  private static JsonObject update(int n) {
    return new JsonObject().put("n", n);
  }

  private static List<String> names(HistorySlice slice) {
    return slice.events().stream().map(e -> e.getString(Envelope.EVENT)).toList();
  }

  @Test
  @DisplayName("an event of a room's stream after the event that ended it is refused and stores nothing, and the end is stored once")
  void nothingOfAStreamAfterItsEnd(Vertx vertx, VertxTestContext ctx) {
    RoomHistory history = create(vertx, MAX_EVENTS, MAX_AGE_SECONDS, clock);
    String room = room();
    List<JsonObject> answers = new ArrayList<>();
    history.appendToStream(room, "update", update(1), "u1").map(answers::add)
      .compose(v -> history.endStream(room, "complete", update(2))).map(answers::add)
      .compose(v -> history.appendToStream(room, "update", update(3), "u3")).map(answers::add)
      .compose(v -> history.endStream(room, "complete", update(4))).map(answers::add)
      .compose(v -> history.since(room, 0, null))
      .onComplete(ctx.succeeding(slice -> ctx.verify(() -> {
        assertThat(answers.get(0).getLong(Envelope.SEQ)).isEqualTo(1L);
        assertThat(answers.get(1).getLong(Envelope.SEQ)).isEqualTo(2L);
        assertThat(answers.get(1).getString(Envelope.EVENT)).isEqualTo("complete");
        assertThat(answers.subList(2, 4)).containsOnlyNulls();
        assertThat(slice.seq()).isEqualTo(2);
        assertThat(slice.events()).containsExactly(answers.get(0), answers.get(1));
        ctx.completeNow();
      })));
  }

  @Test
  @DisplayName("a room goes on after its stream ended: other events and presence events are stored, the stream's are still refused")
  void otherEventsAfterTheEnd(Vertx vertx, VertxTestContext ctx) {
    RoomHistory history = create(vertx, MAX_EVENTS, MAX_AGE_SECONDS, clock);
    String room = room();
    List<JsonObject> answers = new ArrayList<>();
    history.endStream(room, "complete", update(1))
      .compose(v -> history.append(room, "message", update(2))).map(answers::add)
      .compose(v -> appendPresence(history, room, "user-joined", "ana", VERSION))
      .map(joined -> answers.add(joined.envelope()))
      .compose(v -> history.appendToStream(room, "update", update(3), "u3")).map(answers::add)
      .compose(v -> history.since(room, 0, null))
      .onComplete(ctx.succeeding(slice -> ctx.verify(() -> {
        assertThat(answers.get(0).getLong(Envelope.SEQ)).isEqualTo(2L);
        assertThat(answers.get(1).getLong(Envelope.SEQ)).isEqualTo(3L);
        assertThat(answers.get(2)).isNull();
        assertThat(names(slice)).containsExactly("complete", "message", "user-joined");
        ctx.completeNow();
      })));
  }

  @Test
  @DisplayName("a stream stays ended when its end was trimmed from the history, by size or by age")
  void endOutlivesTrimming(Vertx vertx, VertxTestContext ctx) {
    RoomHistory history = create(vertx, MAX_EVENTS, MAX_AGE_SECONDS, clock);
    String room = room();
    List<JsonObject> answers = new ArrayList<>();
    history.endStream(room, "complete", update(0))
      .compose(v -> appendMany(history, room, MAX_EVENTS))
      .compose(v -> history.appendToStream(room, "update", update(1), "u1")).map(answers::add)
      .compose(v -> {
        clock.advance(Duration.ofSeconds(MAX_AGE_SECONDS + 1));
        return history.append(room, "message", update(2));
      })
      .compose(v -> history.appendToStream(room, "update", update(3), "u3")).map(answers::add)
      .compose(v -> history.since(room, MAX_EVENTS + 1, null))
      .onComplete(ctx.succeeding(slice -> ctx.verify(() -> {
        assertThat(answers).hasSize(2).containsOnlyNulls();
        assertThat(slice.complete()).isTrue();
        assertThat(names(slice)).containsExactly("message");
        ctx.completeNow();
      })));
  }

  @Test
  @DisplayName("the event that ended a stream is read back by its seq, with events after it; none before the end, none once trimmed")
  void streamEndReadBack(Vertx vertx, VertxTestContext ctx) {
    RoomHistory history = create(vertx, 300, MAX_AGE_SECONDS, clock);
    String room = room();
    List<JsonObject> ends = new ArrayList<>();
    List<JsonObject> found = new ArrayList<>();
    history.appendToStream(room, "update", update(1), "u1")
      .compose(v -> history.streamEnd(room)).map(found::add)
      .compose(v -> history.endStream(room, "complete", update(2))).map(ends::add)
      .compose(v -> appendMany(history, room, 250))
      .compose(v -> history.streamEnd(room)).map(found::add)
      .compose(v -> appendMany(history, room, 50))
      .compose(v -> history.streamEnd(room)).map(found::add)
      .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
        assertThat(ends.get(0).getLong(Envelope.SEQ)).isEqualTo(2L);
        assertThat(found).hasSize(3);
        assertThat(found.get(0)).as("before the end").isNull();
        assertThat(found.get(1)).as("250 events later").isEqualTo(ends.get(0));
        assertThat(found.get(2)).as("trimmed").isNull();
        ctx.completeNow();
      })));
  }

  @Test
  @DisplayName("a room whose history started again (a new epoch) has a stream that has not ended")
  void newEpochStreamOpen(Vertx vertx, VertxTestContext ctx) {
    RoomHistory history = create(vertx, MAX_EVENTS, MAX_AGE_SECONDS, clock);
    String room = room();
    history.endStream(room, "complete", update(1))
      .compose(v -> history.forget(room))
      .compose(v -> history.appendToStream(room, "update", update(2), "u2"))
      .onComplete(ctx.succeeding(envelope -> ctx.verify(() -> {
        assertThat(envelope.getLong(Envelope.SEQ)).isEqualTo(1L);
        ctx.completeNow();
      })));
  }

  @Test
  @DisplayName("events of a stream racing its end are stored before it or refused, never after it")
  void racingTheEnd(Vertx vertx, VertxTestContext ctx) {
    RoomHistory history = create(vertx, 100, MAX_AGE_SECONDS, clock);
    String room = room();
    List<Future<JsonObject>> updates = new ArrayList<>();
    Future<JsonObject> end = null;
    for (int i = 0; i < 40; i++) {
      updates.add(history.appendToStream(room, "update", update(i), "u" + i));
      if (i == 20) {
        end = history.endStream(room, "complete", update(-1));
      }
    }
    Future<JsonObject> ended = end;
    Future.all(updates).compose(v -> ended)
      .compose(v -> history.since(room, 0, null))
      .onComplete(ctx.succeeding(slice -> ctx.verify(() -> {
        long endSeq = ended.result().getLong(Envelope.SEQ);
        List<JsonObject> stored = updates.stream().map(Future::result).filter(e -> e != null).toList();
        assertThat(stored).allSatisfy(e -> assertThat(e.getLong(Envelope.SEQ)).isLessThan(endSeq));
        assertThat(slice.seq()).isEqualTo(endSeq);
        assertThat(slice.events()).hasSize(stored.size() + 1).endsWith(ended.result());
        ctx.completeNow();
      })));
  }

  @Test
  @DisplayName("an event of a stream appended again with its id is stored once and answered as stored, after the stream's end too")
  void streamEventStoredOnceById(Vertx vertx, VertxTestContext ctx) {
    RoomHistory history = create(vertx, MAX_EVENTS, MAX_AGE_SECONDS, clock);
    String room = room();
    List<JsonObject> answers = new ArrayList<>();
    history.appendToStream(room, "update", update(1), "u1").map(answers::add)
      // A try again after an append whose answer was lost: the same id (the data cannot differ, but
      // the answer must be what was stored, not what this try carries).
      .compose(v -> history.appendToStream(room, "update", update(99), "u1")).map(answers::add)
      .compose(v -> history.appendToStream(room, "update", update(2), "u2")).map(answers::add)
      .compose(v -> history.endStream(room, "complete", update(3))).map(answers::add)
      .compose(v -> history.appendToStream(room, "update", update(99), "u2")).map(answers::add)
      .compose(v -> history.appendToStream(room, "update", update(4), "u4")).map(answers::add)
      .compose(v -> history.since(room, 0, null))
      .onComplete(ctx.succeeding(slice -> ctx.verify(() -> {
        assertThat(answers.get(0).getLong(Envelope.SEQ)).isEqualTo(1L);
        assertThat(answers.get(1)).isEqualTo(answers.get(0));
        assertThat(answers.get(2).getLong(Envelope.SEQ)).isEqualTo(2L);
        assertThat(answers.get(4)).as("the update stored before the end, asked again after it").isEqualTo(answers.get(2));
        assertThat(answers.get(5)).as("a new update after the end").isNull();
        assertThat(slice.seq()).isEqualTo(3);
        assertThat(slice.events()).containsExactly(answers.get(0), answers.get(2), answers.get(3));
        ctx.completeNow();
      })));
  }

  @Test
  @DisplayName("an id of a stream's event is known as long as its event is held: once trimmed, the same id is stored again")
  void streamIdGoesWithItsEvent(Vertx vertx, VertxTestContext ctx) {
    RoomHistory history = create(vertx, MAX_EVENTS, MAX_AGE_SECONDS, clock);
    String room = room();
    List<JsonObject> answers = new ArrayList<>();
    history.appendToStream(room, "update", update(1), "u1").map(answers::add)
      .compose(v -> appendMany(history, room, MAX_EVENTS))
      .compose(v -> history.appendToStream(room, "update", update(1), "u1")).map(answers::add)
      .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
        assertThat(answers.get(0).getLong(Envelope.SEQ)).isEqualTo(1L);
        assertThat(answers.get(1).getLong(Envelope.SEQ)).isEqualTo(MAX_EVENTS + 2L);
        ctx.completeNow();
      })));
  }
}
