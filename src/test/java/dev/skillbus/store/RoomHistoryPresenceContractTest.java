package dev.skillbus.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.protocol.Envelope;
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
 * What every {@link RoomHistory} promises about presence events: stored in the order of their
 * membership versions, each change once by its id for as long as its event is held, the highest
 * version told with the position, and other events not checked.
 */
public abstract class RoomHistoryPresenceContractTest extends RoomHistoryContractTest {

  protected RoomHistoryPresenceContractTest(Factory factory) {
    super(factory);
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
