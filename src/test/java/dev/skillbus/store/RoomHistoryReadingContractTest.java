package dev.skillbus.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.protocol.Envelope;
import dev.skillbus.store.RoomHistory.HistorySlice;
import dev.skillbus.store.RoomHistory.Page;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RoomHistory} promises about appending and reading back: gap-free seqs in one
 * epoch, a room's position, the events since a seq, a page at a time by count or by bytes, and what
 * a since finds once events were trimmed by size or by age.
 */
public abstract class RoomHistoryReadingContractTest extends RoomHistoryContractTest {

  protected RoomHistoryReadingContractTest(Factory factory) {
    super(factory);
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
  @DisplayName("events trimmed by size make a since before them incomplete, with what is kept from its first event; later ones still complete")
  void trimmedBySize(Vertx vertx, VertxTestContext ctx) {
    RoomHistory history = create(vertx, MAX_EVENTS, MAX_AGE_SECONDS, clock);
    String room = room();
    appendMany(history, room, MAX_EVENTS + 3)
      .compose(v -> history.since(room, 0, null))
      .compose(lost -> history.since(room, 3, null).map(kept -> List.of(lost, kept)))
      .compose(both -> history.since(room, 1, null, RoomHistory.Page.ALL.atMost(2)).map(page -> {
        // A page of what is kept says there is more, to be read from its last seq.
        assertThat(page.complete()).isFalse();
        assertThat(seqs(page)).containsExactly(4L, 5L);
        assertThat(page.more()).isTrue();
        return both;
      }))
      .onComplete(ctx.succeeding(both -> ctx.verify(() -> {
        assertThat(both.get(0).complete()).isFalse();
        assertThat(seqs(both.get(0))).containsExactly(4L, 5L, 6L, 7L, 8L);
        assertThat(both.get(0).more()).isFalse();
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
        assertThat(seqs(both.get(0))).containsExactly(3L);
        assertThat(both.get(1).complete()).isTrue();
        assertThat(seqs(both.get(1))).containsExactly(3L);
        ctx.completeNow();
      })));
  }
}
