package dev.skillbus.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.protocol.Event;
import dev.skillbus.store.RoomHistory.PresenceAppend;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Presence events stored in the order of the room's changes")
class PresenceAnnouncerTest {

  /** The room as read again: its version goes up at each read, as if it changed meanwhile. */
  long roomVersion = 10;
  /** The history's version, which refuses lower ones; what was stored, and the reads asked for. */
  long storedVersion = 20;
  final List<String> stored = new ArrayList<>();
  final List<Long> readsAtLeast = new ArrayList<>();
  /** The id each attempt carried. */
  final List<String> ids = new ArrayList<>();

  final PresenceAnnouncer.Store store = new PresenceAnnouncer.Store() {
    @Override
    public Future<PresenceAppend> presence(String roomId, String event, JsonObject data, long version, String id) {
      ids.add(id);
      if (version < storedVersion) {
        return Future.succeededFuture(new PresenceAppend(null, storedVersion));
      }
      storedVersion = version;
      return durable(roomId, event, data).map(envelope -> new PresenceAppend(envelope, version));
    }

    @Override
    public Future<JsonObject> durable(String roomId, String event, JsonObject data) {
      stored.add(event + " " + data.getString("userId") + " " + data.getJsonArray("participants").getJsonObject(0).getString("userId"));
      return Future.succeededFuture(new JsonObject());
    }
  };

  final PresenceAnnouncer announcer = new PresenceAnnouncer((roomId, atLeast) -> {
    readsAtLeast.add(atLeast);
    roomVersion = Math.max(roomVersion + 1, atLeast);
    return Future.succeededFuture(new Roster(List.of(participant("v" + roomVersion)), roomVersion));
  }, store);

  static Participant participant(String userId) {
    return new Participant(userId, userId, "learner", true, null, null, 0L);
  }

  static Connection user(String userId) {
    return new Connection("conn-" + userId, userId, userId, "learner", "node-1", 0L);
  }

  static Presence joined(String userId) {
    return new Presence(Event.USER_JOINED, user(userId), 15);
  }

  static Presence left(String userId) {
    return new Presence(Event.USER_LEFT, user(userId), 15);
  }

  @Test
  @DisplayName("one the history refuses is sent again, same event and user, with the room read again at least at the stored version")
  void refusedSentAgainWithTheRoomReadAgain() {
    Future<Void> sent = announcer.announce("r", left("ana"), new Roster(List.of(participant("old")), 15));

    assertThat(sent.succeeded()).isTrue();
    assertThat(readsAtLeast).containsExactly(20L);
    assertThat(stored).containsExactly("user-left ana v20");
  }

  @Test
  @DisplayName("one of the stored version or higher is stored as it is")
  void inOrderStoredAtOnce() {
    announcer.announce("r", joined("ana"), new Roster(List.of(participant("now")), 20));

    assertThat(readsAtLeast).isEmpty();
    assertThat(stored).containsExactly("user-joined ana now");
  }

  @Test
  @DisplayName("one refused whose user the room read again no longer holds is not stored: a later event says so")
  void refusedNoLongerTrueIsDropped() {
    // The reader's room holds only "v20": Ana is not in it, so her user-joined no longer holds.
    Future<Void> sent = announcer.announce("r", joined("ana"), new Roster(List.of(participant("ana")), 15));

    assertThat(sent.succeeded()).isTrue();
    assertThat(readsAtLeast).containsExactly(20L);
    assertThat(stored).isEmpty();
  }

  @Test
  @DisplayName("one refused at every attempt, the room changing all the while, is stored unchecked with the latest list read")
  void boundedAttempts() {
    // Another node stores a newer event between each read and the next attempt.
    PresenceAnnouncer racing = new PresenceAnnouncer((roomId, atLeast) -> {
      readsAtLeast.add(atLeast);
      Roster read = new Roster(List.of(participant("v" + atLeast), participant("ana")), atLeast);
      storedVersion = atLeast + 1;
      return Future.succeededFuture(read);
    }, store);

    assertThat(racing.announce("r", joined("ana"), new Roster(List.of(participant("old")), 15)).succeeded()).isTrue();
    assertThat(readsAtLeast).containsExactly(20L, 21L, 22L, 23L);
    assertThat(stored).containsExactly("user-joined ana v23");
    // Every attempt, the last one at the version stored too, is the same event of the same change.
    assertThat(ids).hasSize(6).containsOnly("15 user-joined ana");
  }
}
