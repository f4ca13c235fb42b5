package dev.skillbus.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.protocol.Envelope;
import dev.skillbus.store.RoomHistory.HistorySlice;
import dev.skillbus.store.RoomHistory.Page;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What every {@link RoomHistory} promises. An implementation's test subclasses this and says how to
 * build one; the Redis store runs the same tests as the in-memory one.
 */
@ExtendWith(VertxExtension.class)
public abstract class RoomHistoryContractTest {

  protected static final int MAX_EVENTS = 5;
  protected static final long MAX_AGE_SECONDS = 60;

  /** Membership versions are microseconds of the clock: the size of those, where Lua's numbers are doubles. */
  private static final long VERSION = 1_763_000_000_000_000L;

  private final MutableClock clock = new MutableClock();

  /** A fresh, empty history bounded by {@code maxEvents} and {@code maxAgeSeconds} on {@code clock}. */
  protected abstract RoomHistory create(Vertx vertx, int maxEvents, long maxAgeSeconds, Clock clock);

  private static String room() {
    return "room-" + UUID.randomUUID();
  }

  private static Future<Void> appendMany(RoomHistory history, String room, int count) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = 1; i <= count; i++) {
      JsonObject data = new JsonObject().put("n", i);
      chain = chain.compose(v -> history.append(room, "message", data)).mapEmpty();
    }
    return chain;
  }

  private static List<Long> seqs(HistorySlice slice) {
    return slice.events().stream().map(e -> e.getLong(Envelope.SEQ)).toList();
  }

  /** Every page after {@code since}, read as a client does: again from the last seq while there is more. */
  private static Future<List<HistorySlice>> pages(RoomHistory history, String room, long since, Page page) {
    List<HistorySlice> pages = new ArrayList<>();
    return readOn(history, room, since, page, pages).map(v -> pages);
  }

  private static Future<Void> readOn(RoomHistory history, String room, long since, Page page, List<HistorySlice> pages) {
    return history.since(room, since, null, page).compose(slice -> {
      pages.add(slice);
      if (!slice.more() || pages.size() > 100) {
        return Future.succeededFuture();
      }
      List<Long> seqs = seqs(slice);
      return readOn(history, room, seqs.get(seqs.size() - 1), page, pages);
    });
  }

  /** The length of the envelope's JSON, as a client receives it. */
  private static long size(JsonObject envelope) {
    return envelope.toBuffer().length();
  }

  @Test
  @DisplayName("appends get gap-free seqs from 1 in one epoch, as stored envelopes")
  void gapFreeSeqs(Vertx vertx, VertxTestContext ctx) {
    RoomHistory history = create(vertx, MAX_EVENTS, MAX_AGE_SECONDS, clock);
    String room = room();
    history.append(room, "message", new JsonObject().put("n", 1))
      .compose(first -> history.append(room, "message", new JsonObject().put("n", 2))
        .map(second -> List.of(first, second)))
      .onComplete(ctx.succeeding(both -> ctx.verify(() -> {
        assertThat(both).extracting(e -> e.getLong(Envelope.SEQ)).containsExactly(1L, 2L);
        assertThat(both.get(0).getString(Envelope.EPOCH)).isNotBlank()
          .isEqualTo(both.get(1).getString(Envelope.EPOCH));
        assertThat(both.get(1).getString(Envelope.EVENT)).isEqualTo("message");
        assertThat(both.get(1).getString(Envelope.ROOM)).isEqualTo(room);
        assertThat(both.get(1).getJsonObject(Envelope.DATA)).isEqualTo(new JsonObject().put("n", 2));
        ctx.completeNow();
      })));
  }

  @Test
  @DisplayName("an unknown room is at seq 0, and its first append keeps the epoch reported")
  void unknownRoomPosition(Vertx vertx, VertxTestContext ctx) {
    RoomHistory history = create(vertx, MAX_EVENTS, MAX_AGE_SECONDS, clock);
    String room = room();
    history.position(room)
      .compose(pos -> history.append(room, "message", new JsonObject()).map(env -> List.of(pos, env)))
      .onComplete(ctx.succeeding(both -> ctx.verify(() -> {
        HistorySlice pos = (HistorySlice) both.get(0);
        JsonObject env = (JsonObject) both.get(1);
        assertThat(pos.seq()).isZero();
        assertThat(env.getString(Envelope.EPOCH)).isEqualTo(pos.epoch());
        ctx.completeNow();
      })));
  }

  @Test
  @DisplayName("since returns exactly the events after it, oldest first, and says it is complete")
  void sinceReturnsMissed(Vertx vertx, VertxTestContext ctx) {
    RoomHistory history = create(vertx, MAX_EVENTS, MAX_AGE_SECONDS, clock);
    String room = room();
    appendMany(history, room, 4)
      .compose(v -> history.position(room))
      .compose(pos -> history.since(room, 2, pos.epoch()))
      .onComplete(ctx.succeeding(slice -> ctx.verify(() -> {
        assertThat(slice.complete()).isTrue();
        assertThat(seqs(slice)).containsExactly(3L, 4L);
        assertThat(slice.seq()).isEqualTo(4);
        assertThat(slice.events().get(0).getJsonObject(Envelope.DATA).getInteger("n")).isEqualTo(3);
        ctx.completeNow();
      })));
  }

  @Test
  @DisplayName("a page holds at most its number of events, says more until the last, and the pages hold every event once, in order")
  void pagesByCount(Vertx vertx, VertxTestContext ctx) {
    RoomHistory history = create(vertx, MAX_EVENTS, MAX_AGE_SECONDS, clock);
    String room = room();
    appendMany(history, room, 5)
      .compose(v -> pages(history, room, 0, new Page(2, Long.MAX_VALUE)))
      .onComplete(ctx.succeeding(pages -> ctx.verify(() -> {
        assertThat(pages).extracting(RoomHistoryContractTest::seqs)
          .containsExactly(List.of(1L, 2L), List.of(3L, 4L), List.of(5L));
        assertThat(pages).extracting(HistorySlice::more).containsExactly(true, true, false);
        assertThat(pages).allSatisfy(page -> {
          assertThat(page.complete()).isTrue();
          assertThat(page.seq()).isEqualTo(5);
        });
        ctx.completeNow();
      })));
  }

  @Test
  @DisplayName("a page holds the events that fit in its bytes, counted as the envelopes sent, and at least one")
  void pagesByBytes(Vertx vertx, VertxTestContext ctx) {
    RoomHistory history = create(vertx, MAX_EVENTS, MAX_AGE_SECONDS, clock);
    String room = room();
    Future<Void> appended = Future.succeededFuture();
    for (String text : List.of("a".repeat(100), "Ünïcödé ".repeat(40), "c", "d".repeat(3000))) {
      appended = appended.compose(v -> history.append(room, "message", new JsonObject().put("text", text))).mapEmpty();
    }
    appended
      .compose(v -> history.since(room, 0, null))
      .compose(all -> {
        long two = size(all.events().get(0)) + size(all.events().get(1));
        return Future.all(List.of(
          history.since(room, 0, null, new Page(MAX_EVENTS, two)),
          history.since(room, 0, null, new Page(MAX_EVENTS, two - 1)),
          history.since(room, 2, null, new Page(MAX_EVENTS, 1)),
          history.since(room, 3, null, new Page(MAX_EVENTS, 1))));
      })
      .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
        List<HistorySlice> slices = all.list();
        assertThat(slices).extracting(RoomHistoryContractTest::seqs)
          .containsExactly(List.of(1L, 2L), List.of(1L), List.of(3L), List.of(4L));
        assertThat(slices).extracting(HistorySlice::more).containsExactly(true, true, true, false);
        ctx.completeNow();
      })));
  }

  @Test
  @DisplayName("a large event, such as a user-joined of a full room, comes back exactly as stored")
  void largeEventsRoundTrip(Vertx vertx, VertxTestContext ctx) {
    RoomHistory history = create(vertx, MAX_EVENTS, MAX_AGE_SECONDS, clock);
    String room = room();
    JsonArray participants = new JsonArray();
    for (int i = 0; i < 200; i++) {
      participants.add(new JsonObject().put("userId", "u" + i).put("name", "Ünïcödé " + i).put("role", "learner")
        .put("isActive", i % 3 == 0).put("cursor", null).put("joinedAt", "2026-11-22T10:00:00." + (100 + i) + "Z"));
    }
    JsonObject joined = new JsonObject().put("userId", "u199").put("participants", participants);
    history.append(room, "user-joined", joined)
      .compose(appended -> history.since(room, 0, appended.getString(Envelope.EPOCH))
        .map(slice -> List.of(List.of(appended), slice.events())))
      .onComplete(ctx.succeeding(both -> ctx.verify(() -> {
        assertThat(both.get(1)).isEqualTo(both.get(0));
        assertThat(both.get(1).get(0).getJsonObject(Envelope.DATA)).isEqualTo(joined);
        ctx.completeNow();
      })));
  }

  @Test
  @DisplayName("since the last seq is complete and empty; since a seq not reached yet is incomplete")
  void sinceAtAndBeyondTheEnd(Vertx vertx, VertxTestContext ctx) {
    RoomHistory history = create(vertx, MAX_EVENTS, MAX_AGE_SECONDS, clock);
    String room = room();
    appendMany(history, room, 2)
      .compose(v -> history.since(room, 2, null))
      .compose(atEnd -> history.since(room, 7, null).map(beyond -> List.of(atEnd, beyond)))
      .onComplete(ctx.succeeding(both -> ctx.verify(() -> {
        assertThat(both.get(0).complete()).isTrue();
        assertThat(both.get(0).events()).isEmpty();
        assertThat(both.get(1).complete()).isFalse();
        assertThat(both.get(1).events()).isEmpty();
        ctx.completeNow();
      })));
  }

  @Test
  @DisplayName("events trimmed by size make a since before them incomplete, later ones still complete")
  void trimmedBySize(Vertx vertx, VertxTestContext ctx) {
    RoomHistory history = create(vertx, MAX_EVENTS, MAX_AGE_SECONDS, clock);
    String room = room();
    appendMany(history, room, MAX_EVENTS + 3)
      .compose(v -> history.since(room, 0, null))
      .compose(lost -> history.since(room, 3, null).map(kept -> List.of(lost, kept)))
      .onComplete(ctx.succeeding(both -> ctx.verify(() -> {
        assertThat(both.get(0).complete()).isFalse();
        assertThat(both.get(0).events()).isEmpty();
        assertThat(both.get(0).seq()).isEqualTo(MAX_EVENTS + 3);
        assertThat(both.get(1).complete()).isTrue();
        assertThat(seqs(both.get(1))).containsExactly(4L, 5L, 6L, 7L, 8L);
        ctx.completeNow();
      })));
  }

  @Test
  @DisplayName("events older than the age limit are trimmed and make since incomplete")
  void trimmedByAge(Vertx vertx, VertxTestContext ctx) {
    RoomHistory history = create(vertx, MAX_EVENTS, MAX_AGE_SECONDS, clock);
    String room = room();
    appendMany(history, room, 2)
      .compose(v -> {
        clock.advance(Duration.ofSeconds(MAX_AGE_SECONDS + 1));
        return history.append(room, "message", new JsonObject().put("n", 3));
      })
      .compose(v -> history.since(room, 1, null))
      .compose(lost -> history.since(room, 2, null).map(kept -> List.of(lost, kept)))
      .onComplete(ctx.succeeding(both -> ctx.verify(() -> {
        assertThat(both.get(0).complete()).isFalse();
        assertThat(both.get(1).complete()).isTrue();
        assertThat(seqs(both.get(1))).containsExactly(3L);
        ctx.completeNow();
      })));
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
    history.appendToStream(room, "update", update(1)).map(answers::add)
      .compose(v -> history.endStream(room, "complete", update(2))).map(answers::add)
      .compose(v -> history.appendToStream(room, "update", update(3))).map(answers::add)
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
      .compose(v -> history.appendToStream(room, "update", update(3))).map(answers::add)
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
      .compose(v -> history.appendToStream(room, "update", update(1))).map(answers::add)
      .compose(v -> {
        clock.advance(Duration.ofSeconds(MAX_AGE_SECONDS + 1));
        return history.append(room, "message", update(2));
      })
      .compose(v -> history.appendToStream(room, "update", update(3))).map(answers::add)
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
    history.appendToStream(room, "update", update(1))
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
      .compose(v -> history.appendToStream(room, "update", update(2)))
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
      updates.add(history.appendToStream(room, "update", update(i)));
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

  private static JsonObject presence(String userId, long version) {
    return new JsonObject().put("userId", userId).put("v", version);
  }

  /** Appends a presence event of {@code userId} at {@code version}, of a change of its own (a fresh id). */
  private static Future<RoomHistory.PresenceAppend> appendPresence(RoomHistory history, String room, String event,
                                                                   String userId, long version) {
    return history.appendPresence(room, event, presence(userId, version), version, UUID.randomUUID().toString());
  }

  @Test
  @DisplayName("a presence event of a lower version than one stored is refused and stores nothing; equal and higher ones are stored")
  void presenceInVersionOrder(Vertx vertx, VertxTestContext ctx) {
    RoomHistory history = create(vertx, MAX_EVENTS, MAX_AGE_SECONDS, clock);
    String room = room();
    List<RoomHistory.PresenceAppend> results = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (long version : new long[] {VERSION + 5, VERSION + 4, VERSION + 5, VERSION + 6}) {
      chain = chain.compose(v -> appendPresence(history, room, "user-joined", "u" + version, version))
        .map(results::add).mapEmpty();
    }
    chain
      .compose(v -> history.since(room, 0, null))
      .onComplete(ctx.succeeding(slice -> ctx.verify(() -> {
        assertThat(results).extracting(RoomHistory.PresenceAppend::stored).containsExactly(true, false, true, true);
        assertThat(results).extracting(RoomHistory.PresenceAppend::storedVersion)
          .containsExactly(VERSION + 5, VERSION + 5, VERSION + 5, VERSION + 6);
        assertThat(results.get(3).envelope().getLong(Envelope.SEQ)).isEqualTo(3L);
        // The version stays beside the events: the envelope's data is the one given.
        assertThat(slice.events()).extracting(e -> e.getJsonObject(Envelope.DATA))
          .containsExactly(presence("u" + (VERSION + 5), VERSION + 5), presence("u" + (VERSION + 5), VERSION + 5),
            presence("u" + (VERSION + 6), VERSION + 6));
        assertThat(slice.events().get(2)).isEqualTo(results.get(3).envelope());
        ctx.completeNow();
      })));
  }

  @Test
  @DisplayName("tells with its position the highest presence version stored, and none for a room without presence events")
  void positionTellsPresenceVersion(Vertx vertx, VertxTestContext ctx) {
    RoomHistory history = create(vertx, MAX_EVENTS, MAX_AGE_SECONDS, clock);
    String room = room();
    Future<RoomHistory.HistorySlice> before = history.append(room, "message", new JsonObject())
      .compose(v -> history.position(room));
    Future<RoomHistory.HistorySlice> after = before
      .compose(v -> appendPresence(history, room, "user-joined", "ana", VERSION + 7))
      .compose(v -> appendPresence(history, room, "user-left", "ana", VERSION + 3))
      .compose(v -> history.position(room));
    after.onComplete(ctx.succeeding(pos -> ctx.verify(() -> {
      assertThat(before.result().presenceVersion()).isEqualTo(RoomHistory.HistorySlice.NO_PRESENCE);
      assertThat(pos.presenceVersion()).isEqualTo(VERSION + 7);
      assertThat(pos.seq()).isEqualTo(2);
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("other events are not checked against the presence version and leave it as it was")
  void otherEventsUnchecked(Vertx vertx, VertxTestContext ctx) {
    RoomHistory history = create(vertx, MAX_EVENTS, MAX_AGE_SECONDS, clock);
    String room = room();
    Future<RoomHistory.PresenceAppend> refused = appendPresence(history, room, "user-left", "ana", VERSION + 2)
      .compose(v -> history.append(room, "user-joined", presence("ben", VERSION + 1)))
      .compose(v -> appendPresence(history, room, "user-joined", "cem", VERSION + 1));
    refused.compose(v -> history.position(room))
      .onComplete(ctx.succeeding(pos -> ctx.verify(() -> {
        assertThat(refused.result().stored()).isFalse();
        assertThat(refused.result().storedVersion()).isEqualTo(VERSION + 2);
        assertThat(pos.seq()).isEqualTo(2);
        assertThat(pos.presenceVersion()).isEqualTo(VERSION + 2);
        ctx.completeNow();
      })));
  }

  @Test
  @DisplayName("a room whose history started again (a new epoch) holds no presence version and takes any")
  void newEpochTakesAnyVersion(Vertx vertx, VertxTestContext ctx) {
    RoomHistory history = create(vertx, MAX_EVENTS, MAX_AGE_SECONDS, clock);
    String room = room();
    appendPresence(history, room, "user-joined", "ana", VERSION + 9)
      .compose(v -> history.forget(room))
      .compose(v -> appendPresence(history, room, "user-joined", "ben", 0))
      .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
        assertThat(result.stored()).isTrue();
        assertThat(result.storedVersion()).isZero();
        assertThat(result.envelope().getLong(Envelope.SEQ)).isEqualTo(1L);
        ctx.completeNow();
      })));
  }

  @Test
  @DisplayName("a presence event appended again under the id of one the history holds stores nothing and answers with that one as stored, whatever its version")
  void presenceIdStoredOnce(Vertx vertx, VertxTestContext ctx) {
    RoomHistory history = create(vertx, MAX_EVENTS, MAX_AGE_SECONDS, clock);
    String room = room();
    Future<RoomHistory.PresenceAppend> first = history.appendPresence(room, "user-left", presence("ana", 5), VERSION + 5, "5 ana");
    Future<RoomHistory.PresenceAppend> higher = first
      .compose(v -> appendPresence(history, room, "user-joined", "ben", VERSION + 6))
      // Sent again with the room read again: a later list, a higher version.
      .compose(v -> history.appendPresence(room, "user-left", presence("ana", 7), VERSION + 7, "5 ana"));
    Future<RoomHistory.PresenceAppend> lower = higher
      .compose(v -> history.appendPresence(room, "user-left", presence("ana", 1), VERSION + 1, "5 ana"));
    lower.compose(v -> history.since(room, 0, null))
      .onComplete(ctx.succeeding(slice -> ctx.verify(() -> {
        for (RoomHistory.PresenceAppend again : List.of(higher.result(), lower.result())) {
          assertThat(again.stored()).isTrue();
          assertThat(again.envelope()).isEqualTo(first.result().envelope());
          assertThat(again.storedVersion()).isEqualTo(VERSION + 6);
        }
        assertThat(slice.seq()).isEqualTo(2);
        assertThat(slice.events()).extracting(e -> e.getJsonObject(Envelope.DATA).getString("userId")).containsExactly("ana", "ben");
        ctx.completeNow();
      })));
  }

  @Test
  @DisplayName("a presence event of another id at the version stored is stored: the id names a change, not a version")
  void otherIdAtTheStoredVersion(Vertx vertx, VertxTestContext ctx) {
    RoomHistory history = create(vertx, MAX_EVENTS, MAX_AGE_SECONDS, clock);
    String room = room();
    // What the last of a presence event's attempts does: the version stored, which raises nothing.
    history.appendPresence(room, "user-joined", presence("ana", 5), VERSION + 5, "5 ana")
      .compose(v -> history.appendPresence(room, "user-joined", presence("ben", 5), VERSION + 5, "3 ben"))
      .onComplete(ctx.succeeding(last -> ctx.verify(() -> {
        assertThat(last.stored()).isTrue();
        assertThat(last.envelope().getLong(Envelope.SEQ)).isEqualTo(2L);
        assertThat(last.envelope().getJsonObject(Envelope.DATA).getString("userId")).isEqualTo("ben");
        assertThat(last.storedVersion()).isEqualTo(VERSION + 5);
        ctx.completeNow();
      })));
  }

  @Test
  @DisplayName("an id goes with its event: once the event is trimmed, aged out or the history started again, the id is taken as new")
  void presenceIdsGoWithTheirEvents(Vertx vertx, VertxTestContext ctx) {
    RoomHistory history = create(vertx, MAX_EVENTS, MAX_AGE_SECONDS, clock);
    String room = room();
    List<Long> seqs = new ArrayList<>();
    history.appendPresence(room, "user-left", presence("ana", 1), VERSION + 1, "1 ana")
      .compose(v -> appendMany(history, room, MAX_EVENTS))
      .compose(v -> history.appendPresence(room, "user-left", presence("ana", 2), VERSION + 2, "1 ana"))
      .map(trimmed -> seqs.add(trimmed.envelope().getLong(Envelope.SEQ)))
      .compose(v -> {
        clock.advance(Duration.ofSeconds(MAX_AGE_SECONDS + 1));
        return history.appendPresence(room, "user-left", presence("ana", 3), VERSION + 3, "1 ana");
      })
      .map(aged -> seqs.add(aged.envelope().getLong(Envelope.SEQ)))
      .compose(v -> history.forget(room))
      .compose(v -> history.appendPresence(room, "user-left", presence("ana", 4), VERSION + 4, "1 ana"))
      .map(forgotten -> seqs.add(forgotten.envelope().getLong(Envelope.SEQ)))
      .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
        assertThat(seqs).containsExactly(7L, 8L, 1L);
        ctx.completeNow();
      })));
  }

  @Test
  @DisplayName("presence events racing each other are stored in non-decreasing version order, and each refused one was lower than the version stored")
  void racingPresenceInVersionOrder(Vertx vertx, VertxTestContext ctx) {
    RoomHistory history = create(vertx, 100, MAX_AGE_SECONDS, clock);
    String room = room();
    List<Future<RoomHistory.PresenceAppend>> appends = new ArrayList<>();
    List<Long> versions = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      versions.add(VERSION + (i * 7) % 40); // every version once, out of order
      appends.add(appendPresence(history, room, "user-joined", "u" + i, versions.get(i)));
    }
    Future.all(appends)
      .compose(v -> history.since(room, 0, null))
      .onComplete(ctx.succeeding(slice -> ctx.verify(() -> {
        List<Long> stored = slice.events().stream().map(e -> e.getJsonObject(Envelope.DATA).getLong("v")).toList();
        assertThat(stored).isSorted().contains(VERSION + 39);
        for (int i = 0; i < appends.size(); i++) {
          RoomHistory.PresenceAppend result = appends.get(i).result();
          assertThat(result.stored() || result.storedVersion() > versions.get(i)).as("append %d", i).isTrue();
        }
        assertThat(appends.stream().filter(a -> a.result().stored())).hasSize(stored.size());
        ctx.completeNow();
      })));
  }
}
