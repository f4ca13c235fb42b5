package dev.skillbus.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.ClusterNode;
import com.hazelcast.map.IMap;
import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.Event;
import dev.skillbus.protocol.Inbound;
import dev.skillbus.store.InMemoryRoomHistory;
import dev.skillbus.testing.BusProbe;
import dev.skillbus.testing.Eventually;
import dev.skillbus.testing.Nodes;
import dev.skillbus.testing.TestConnection;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Joins racing other changes of their room")
class JoinRacesTest {

  private static final Nodes NODES = new Nodes("join-races-test", 5870);
  private static final HeldHistory HISTORY = new HeldHistory(new InMemoryRoomHistory(100, 3600));
  /**
   * Long enough that the tests holding a join for a few steps finish before it runs out on a busy
   * machine; the tests of late joins wait for it.
   */
  private static final long JOIN_TIMEOUT_MS = 5000;
  private static ClusterNode node;
  private static RefusingHazelcast hazelcast;

  @BeforeAll
  static void deploy() {
    node = NODES.start().await();
    hazelcast = new RefusingHazelcast(node.hazelcast());
    node.vertx().deployVerticle(new SessionVerticle(hazelcast.instance(), HISTORY),
      new DeploymentOptions().setConfig(new JsonObject().put("joinTimeoutMs", JOIN_TIMEOUT_MS))).await();
  }

  @AfterAll
  static void close() {
    NODES.closeAll().await();
  }

  private static TestConnection connection(String userId) {
    return new TestConnection(node.vertx(), userId, userId + " Name", "learner");
  }

  private static Future<JsonObject> activity(TestConnection connection, String room, boolean active) {
    return connection.request(Inbound.SESSION_ACTIVITY.address(), new JsonObject().put("sessionId", room).put("isActive", active));
  }

  private static List<String> userIds(JsonArray participants) {
    return participants.stream().map(p -> ((JsonObject) p).getString("userId")).toList();
  }

  @Test
  @DisplayName("a join reply's participants hold every change up to its seq, those made while it was answered too")
  void replyParticipantsCoverItsSeq() throws Exception {
    String room = "room-" + UUID.randomUUID();
    HeldHistory.Hold alicesPosition = HISTORY.holdPosition(room);
    Future<JsonObject> aliceJoined = connection("alice").join(room);
    alicesPosition.arrived().await(10, TimeUnit.SECONDS);
    // Bob joins between Alice's change of the room and her reply's position: his user-joined is at
    // or before her reply's seq, so her client takes it as part of the reply and drops the event.
    JsonObject bobsReply = connection("bob").join(room).await(10, TimeUnit.SECONDS);
    alicesPosition.release();
    JsonObject alicesReply = aliceJoined.await(10, TimeUnit.SECONDS);
    assertThat(alicesReply.getLong("seq")).isEqualTo(bobsReply.getLong("seq"));
    assertThat(userIds(alicesReply.getJsonArray("participants"))).containsExactlyInAnyOrder("alice", "bob");
  }

  @Test
  @DisplayName("a join answered while a member's activity change is on its way lists them as before it, and the change's event comes after")
  void activityChangeOnItsWay() throws Exception {
    String room = "room-" + UUID.randomUUID();
    TestConnection ann = connection("ann");
    ann.join(room).await(10, TimeUnit.SECONDS);
    CompletableFuture<Void> gate = new CompletableFuture<>();
    CompletableFuture<Void> arrived = hazelcast.holdNextUpdate("ann", gate);
    Future<JsonObject> changed = activity(ann, room, false);
    arrived.get(10, TimeUnit.SECONDS);
    // Bob registers on the room and joins while Ann's change is on its way to the room's state.
    BusProbe bobsRoom = BusProbe.listen(node.vertx(), Address.room(room)).await();
    JsonObject bobsReply = connection("bob").join(room).await(10, TimeUnit.SECONDS);
    assertThat(bobsReply.getJsonArray("participants").stream().map(p -> (JsonObject) p)
      .filter(p -> "ann".equals(p.getString("userId"))).map(p -> p.getBoolean("isActive")).toList()).containsExactly(true);
    gate.complete(null);
    changed.await(10, TimeUnit.SECONDS);
    JsonObject event = bobsRoom.next(BusProbe.event(Event.USER_ACTIVITY_CHANGED, "ann")).await(10, TimeUnit.SECONDS).body();
    assertThat(event.getJsonObject("data").getBoolean("isActive")).isFalse();
  }

  @Test
  @DisplayName("a member's activity changes reach the room in the order asked for, however their updates' replies come back")
  void activityChangesInOrder() throws Exception {
    String room = "room-" + UUID.randomUUID();
    TestConnection cleo = connection("cleo");
    cleo.join(room).await(10, TimeUnit.SECONDS);
    BusProbe peers = BusProbe.listen(node.vertx(), Address.room(room)).await();
    CompletableFuture<Void> gate = new CompletableFuture<>();
    CompletableFuture<Void> arrived = hazelcast.holdNextUpdate("cleo", gate);
    // The first change's update is slow; the second asks after it.
    Future<JsonObject> away = activity(cleo, room, false);
    arrived.get(10, TimeUnit.SECONDS);
    Future<JsonObject> back = activity(cleo, room, true);
    // A request of hers answered after it: the node has taken the second change in hand.
    cleo.request(Inbound.SESSION_HISTORY.address(), new JsonObject().put("sessionId", room).put("since", 0)).await(10, TimeUnit.SECONDS);
    gate.complete(null);
    Future.all(away, back).await(10, TimeUnit.SECONDS);
    peers.next(BusProbe.event(Event.USER_ACTIVITY_CHANGED, "cleo").and(e -> e.getJsonObject("data").getBoolean("isActive")))
      .await(10, TimeUnit.SECONDS);
    assertThat(peers.all(BusProbe.event(Event.USER_ACTIVITY_CHANGED, "cleo")))
      .extracting(e -> e.getJsonObject("data").getBoolean("isActive")).containsExactly(false, true);
    JsonObject listed = node.vertx().executeBlocking(() -> node.hazelcast().<String, RoomState>getMap(RoomRegistry.ROOMS).get(room))
      .map(state -> state.roster().participantsJson().getJsonObject(0)).await(10, TimeUnit.SECONDS);
    assertThat(listed.getBoolean("isActive")).isTrue();
  }

  @Test
  @DisplayName("a leave sent while the connection's join waits for its change's reply is made after that join: peers see user-joined, then user-left")
  void leaveDuringJoinComesAfterIt() throws Exception {
    String room = "room-" + UUID.randomUUID();
    BusProbe peers = BusProbe.listen(node.vertx(), Address.room(room)).await();
    TestConnection fay = connection("fay");
    CompletableFuture<Void> joinReply = hazelcast.holdJoinReplies(fay.connId());
    Future<JsonObject> joined = fay.join(room);
    IMap<String, RoomState> rooms = node.hazelcast().getMap(RoomRegistry.ROOMS);
    Eventually.holds(node.vertx(), 20, 10_000, () -> node.vertx().executeBlocking(() -> rooms.get(room))
      .map(state -> state != null && !state.participants().isEmpty())).await(15, TimeUnit.SECONDS);
    Future<JsonObject> left = fay.request(Inbound.SESSION_LEAVE.address(), new JsonObject().put("sessionId", room));
    // Her client sends the leave again, as one whose reply is late may.
    Future<JsonObject> leftAgain = fay.request(Inbound.SESSION_LEAVE.address(), new JsonObject().put("sessionId", room));
    // A request of hers answered after the leaves: the node has taken them in hand.
    fay.request(Inbound.SESSION_LEAVE.address(), new JsonObject().put("sessionId", "other-" + room)).await(10, TimeUnit.SECONDS);
    assertThat(hazelcast.leavesAsked(fay.connId())).as("the leaves wait for the join").isZero();
    joinReply.complete(null);

    Throwable refused = joined.transform(ar -> Future.succeededFuture(ar.cause())).await(10, TimeUnit.SECONDS);
    assertThat(((ReplyException) refused).failureCode()).isEqualTo(409);
    Future.all(left, leftAgain).await(10, TimeUnit.SECONDS);
    JsonObject userJoined = peers.next(BusProbe.event(Event.USER_JOINED, "fay")).await(10, TimeUnit.SECONDS).body();
    JsonObject userLeft = peers.next(BusProbe.event(Event.USER_LEFT, "fay")).await(10, TimeUnit.SECONDS).body();
    assertThat(userLeft.getLong("seq")).isGreaterThan(userJoined.getLong("seq"));
    assertThat(userLeft.getJsonObject("data").getJsonArray("participants")).isEmpty();
    RoomState state = node.vertx().executeBlocking(() -> rooms.get(room)).await(10, TimeUnit.SECONDS);
    assertThat(state == null || state.participants().isEmpty()).isTrue();
  }

  @Test
  @DisplayName("a join not done in time is answered 503 and taken back when it ends: the client told it failed is not in the room")
  void lateJoinIsTakenBack() throws Exception {
    String room = "room-" + UUID.randomUUID();
    BusProbe peers = BusProbe.listen(node.vertx(), Address.room(room)).await();
    HeldHistory.Hold carolsEvent = HISTORY.holdAppend(room, Event.USER_JOINED, "carol");
    Future<JsonObject> carolJoined = connection("carol").join(room);
    carolsEvent.arrived().await(10, TimeUnit.SECONDS);
    Throwable refused = carolJoined.transform(ar -> Future.succeededFuture(ar.cause())).await(10, TimeUnit.SECONDS);
    assertThat(refused).isInstanceOf(ReplyException.class);
    assertThat(((ReplyException) refused).failureCode()).isEqualTo(503);
    // Taking the join back announces she left, after her user-joined, which still waits for the
    // store: the room's events leave this node in the order of their seqs.
    carolsEvent.release();
    JsonObject joined = peers.next(BusProbe.event(Event.USER_JOINED, "carol")).await(10, TimeUnit.SECONDS).body();
    JsonObject left = peers.next(BusProbe.event(Event.USER_LEFT, "carol")).await(10, TimeUnit.SECONDS).body();
    assertThat(left.getLong("seq")).isGreaterThan(joined.getLong("seq"));
    assertThat(left.getJsonObject("data").getJsonArray("participants")).isEmpty();
    // Dave's join, made after, comes after them.
    connection("dave").join(room).await(10, TimeUnit.SECONDS);
    JsonObject daveJoined = peers.next(BusProbe.event(Event.USER_JOINED, "dave")).await(10, TimeUnit.SECONDS).body();
    assertThat(daveJoined.getLong("seq")).isGreaterThan(left.getLong("seq"));
    assertThat(peers.all(BusProbe.event(Event.USER_JOINED, "carol"))).hasSize(1);
    IMap<String, RoomState> rooms = node.hazelcast().getMap(RoomRegistry.ROOMS);
    RoomState state = node.vertx().executeBlocking(() -> rooms.get(room)).await(10, TimeUnit.SECONDS);
    assertThat(state.participants()).extracting(Participant::userId).containsExactly("dave");
  }

  @Test
  @DisplayName("a join again of a connection in the room, not done in time, is answered 503 saying it is still in the room; it is")
  void lateJoinAgainTakesNothingBack() throws Exception {
    String room = "room-" + UUID.randomUUID();
    TestConnection erin = connection("erin");
    erin.join(room).await(10, TimeUnit.SECONDS);
    HeldHistory.Hold position = HISTORY.holdPosition(room);
    Future<JsonObject> again = erin.join(room);
    position.arrived().await(10, TimeUnit.SECONDS);
    Throwable refused = again.transform(ar -> Future.succeededFuture(ar.cause())).await(10, TimeUnit.SECONDS);
    assertThat(((ReplyException) refused).failureCode()).isEqualTo(503);
    assertThat(refused.getMessage()).contains("still in the room").doesNotContain("taken back");
    position.release();
    JsonObject said = erin.request(Inbound.SESSION_MESSAGE.address(), new JsonObject().put("sessionId", room).put("text", "still here"))
      .await(10, TimeUnit.SECONDS);
    assertThat(said.getLong("seq")).isPositive();
  }

  @Test
  @DisplayName("a second join of a room while the connection's first is under way is refused 409, and the first decides alone")
  void joinWhileJoiningIsRefused() throws Exception {
    String room = "room-" + UUID.randomUUID();
    TestConnection frank = connection("frank");
    HeldHistory.Hold position = HISTORY.holdPosition(room);
    Future<JsonObject> first = frank.join(room);
    position.arrived().await(10, TimeUnit.SECONDS);
    Throwable refused = frank.join(room).transform(ar -> Future.succeededFuture(ar.cause())).await(10, TimeUnit.SECONDS);
    assertThat(refused).isInstanceOf(ReplyException.class);
    assertThat(((ReplyException) refused).failureCode()).isEqualTo(409);
    assertThat(refused.getMessage()).contains("under way");
    assertThat(first.isComplete()).isFalse();
    position.release();
    assertThat(userIds(first.await(10, TimeUnit.SECONDS).getJsonArray("participants"))).containsExactly("frank");
    JsonObject said = frank.request(Inbound.SESSION_MESSAGE.address(), new JsonObject().put("sessionId", room).put("text", "in"))
      .await(10, TimeUnit.SECONDS);
    assertThat(said.getLong("seq")).isPositive();
  }
}
