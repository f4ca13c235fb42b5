package dev.skillbus.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.Event;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Presence events the store refused")
class PresenceRetryTest {

  /** The rooms' participants as the registry would give them, and what was announced. */
  final Map<String, List<Participant>> rooms = new HashMap<>();
  final List<String> announced = new ArrayList<>();
  boolean storeUp;
  final PresenceRetry retry = new PresenceRetry(
    roomId -> Future.succeededFuture(new Roster(rooms.getOrDefault(roomId, List.of()), 7)),
    (roomId, presence, roster) -> {
      if (!storeUp) {
        return Future.failedFuture(ErrorCode.UNAVAILABLE.exception("store down"));
      }
      announced.add(roomId + " " + presence.event() + " " + presence.user().userId() + " " + roster.participants().size()
        + " v" + roster.version() + " id " + presence.id());
      return Future.succeededFuture();
    });

  static Connection user(String userId) {
    return new Connection("conn-" + userId, userId, userId, "learner", "node-1", 0L);
  }

  /** The user's {@code event}, of a change that gave the room version 3. */
  static Presence presence(String event, String userId) {
    return new Presence(event, user(userId), 3);
  }

  static Participant participant(String userId) {
    return new Participant(userId, userId, "learner", true, null, null, 0L);
  }

  @Test
  @DisplayName("are kept while the store refuses them and sent in order, with the participants and version of then and the id of their change, once it takes them")
  void sentOnceTheStoreTakesThem() {
    rooms.put("r", List.of(participant("eve")));
    retry.add("r", presence(Event.USER_LEFT, "dan"));
    retry.add("r", presence(Event.USER_LEFT, "fay"));

    assertThat(retry.send().failed()).isTrue();
    assertThat(retry.size()).isEqualTo(2);
    assertThat(announced).isEmpty();

    storeUp = true;
    assertThat(retry.send().succeeded()).isTrue();
    // The list of then, and the id of the change: an event whose write was made before is stored once.
    assertThat(announced).containsExactly("r user-left dan 1 v7 id 3 user-left dan", "r user-left fay 1 v7 id 3 user-left fay");
    assertThat(retry.size()).isZero();
    retry.send();
    assertThat(announced).hasSize(2);
  }

  @Test
  @DisplayName("of one user, a leave and then a join: the join is sent, since the leave's failed write may have been made")
  void laterChangeOfAUserIsSent() {
    retry.add("r", presence(Event.USER_LEFT, "dan"));
    retry.add("r", presence(Event.USER_JOINED, "dan"));
    assertThat(retry.size()).isOne();
    rooms.put("r", List.of(participant("dan")));
    storeUp = true;
    retry.send();
    assertThat(announced).containsExactly("r user-joined dan 1 v7 id 3 user-joined dan");
  }

  @Test
  @DisplayName("of one user, the change of the higher version is kept, whatever order their failures came in")
  void newerChangeKept() {
    retry.add("r", new Presence(Event.USER_JOINED, user("dan"), 9));
    retry.add("r", new Presence(Event.USER_LEFT, user("dan"), 5));
    rooms.put("r", List.of(participant("dan")));
    storeUp = true;
    retry.send();
    assertThat(announced).containsExactly("r user-joined dan 1 v7 id 9 user-joined dan");
  }

  @Test
  @DisplayName("handed over without the version of its change (by a node of an earlier release), is taken as the oldest")
  void handedOverWithoutChange() {
    JsonObject body = new Presence(Event.USER_LEFT, user("dan"), 4).toJson();
    body.remove("change");
    assertThat(Presence.fromJson(body)).isEqualTo(new Presence(Event.USER_LEFT, user("dan"), 0));
  }

  @Test
  @DisplayName("a user who left and is back in the room by the time the store takes events is not announced as gone")
  void stateCheckedBeforeSending() {
    retry.add("r", presence(Event.USER_LEFT, "dan"));
    retry.add("q", presence(Event.USER_JOINED, "dan"));
    rooms.put("r", List.of(participant("dan")));
    storeUp = true;
    retry.send();
    assertThat(announced).isEmpty();
    assertThat(retry.size()).isZero();
  }

  @Test
  @DisplayName("a join whose user-joined surely never reached the store, then the user's leave: neither is sent")
  void joinNeverStoredThenLeft() {
    retry.add("r", new Presence(Event.USER_JOINED, user("zoe"), 4), true);
    retry.add("r", new Presence(Event.USER_LEFT, user("zoe"), 5));
    assertThat(retry.size()).isZero();
    storeUp = true;
    retry.send();
    assertThat(announced).isEmpty();
  }

  @Test
  @DisplayName("a join whose user-joined may have reached the store (its write timed out), then the user's leave: the leave is sent")
  void joinMaybeStoredThenLeft() {
    retry.add("r", new Presence(Event.USER_JOINED, user("zoe"), 4), false);
    retry.add("r", new Presence(Event.USER_LEFT, user("zoe"), 5));
    storeUp = true;
    retry.send();
    assertThat(announced).containsExactly("r user-left zoe 0 v7 id 5 user-left zoe");
  }

  @Test
  @DisplayName("a user-joined tried again while it waited, with an attempt that may have stored it, then the leave: the leave is sent")
  void retriedJoinMaybeStoredThenLeft() {
    PresenceRetry timingOut = new PresenceRetry(roomId -> Future.succeededFuture(new Roster(List.of(participant("zoe")), 7)),
      (roomId, presence, roster) -> Future.failedFuture(ErrorCode.UNAVAILABLE.exception("the store timed out")));
    timingOut.add("r", new Presence(Event.USER_JOINED, user("zoe"), 4), true);
    assertThat(timingOut.send().failed()).isTrue();
    timingOut.add("r", new Presence(Event.USER_LEFT, user("zoe"), 5));
    assertThat(timingOut.size()).as("the leave is kept").isOne();
  }

  @Test
  @DisplayName("a user-joined that surely never reached the store, tried again, and leaves while that try is under way, the user's and another's: both are sent after it, checked against the room as it is then")
  void leftWhileTheJoinIsBeingSent() {
    Promise<Void> storing = Promise.promise();
    List<String> sent = new ArrayList<>();
    PresenceRetry holding = new PresenceRetry(
      roomId -> Future.succeededFuture(new Roster(rooms.getOrDefault(roomId, List.of()), 7)),
      (roomId, presence, roster) -> {
        sent.add(presence.event() + " " + presence.user().userId() + " " + roster.participants().size());
        return sent.size() == 1 ? storing.future() : Future.succeededFuture();
      });
    holding.add("r", new Presence(Event.USER_JOINED, user("zoe"), 4), true);
    rooms.put("r", List.of(participant("zoe"), participant("cy")));
    Future<Void> sending = holding.send();

    // The user leaves while the user-joined is on its way to the store, and so does another; their
    // leaves' events fail too.
    rooms.put("r", List.of());
    holding.add("r", new Presence(Event.USER_LEFT, user("zoe"), 5), true);
    holding.add("r", new Presence(Event.USER_LEFT, user("cy"), 6));
    storing.complete();

    assertThat(sending.succeeded()).isTrue();
    assertThat(sent).containsExactly("user-joined zoe 2", "user-left zoe 0", "user-left cy 0");
    assertThat(holding.size()).isZero();
  }

  @Test
  @DisplayName("a leave owed, a rejoin refused while the store was down and taken back: the first leave is still sent")
  void leftThenRefusedRejoinThenTakenBack() {
    rooms.put("r", List.of(participant("eve")));
    retry.add("r", new Presence(Event.USER_LEFT, user("dan"), 3));
    retry.add("r", new Presence(Event.USER_JOINED, user("dan"), 4), true);
    retry.add("r", new Presence(Event.USER_LEFT, user("dan"), 5), true);
    storeUp = true;
    retry.send();
    assertThat(announced).containsExactly("r user-left dan 1 v7 id 3 user-left dan");
  }

  @Test
  @DisplayName("changes of one id in two rooms are told apart: a join that may have been stored in one still gives way to its leave")
  void sameIdInTwoRooms() {
    retry.add("a", new Presence(Event.USER_JOINED, user("zoe"), 4), true);
    retry.add("b", new Presence(Event.USER_JOINED, user("zoe"), 4), false);
    retry.add("b", new Presence(Event.USER_LEFT, user("zoe"), 5));
    retry.add("a", new Presence(Event.USER_LEFT, user("zoe"), 5));
    storeUp = true;
    retry.send();
    assertThat(announced).containsExactly("b user-left zoe 0 v7 id 5 user-left zoe");
  }
}
