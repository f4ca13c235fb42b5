package dev.skillbus.session;

import static dev.skillbus.testing.BusProbe.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.ClusterNode;
import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.Event;
import dev.skillbus.protocol.Inbound;
import dev.skillbus.store.InMemoryRoomHistory;
import dev.skillbus.testing.BusProbe;
import dev.skillbus.testing.Nodes;
import dev.skillbus.testing.TestConnection;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Joining and leaving rooms")
class SessionMembershipTest {

  private static final Nodes NODES = new Nodes("session-membership-test", 5810);
  private static final int MAX_ROOMS = 3;
  private static ClusterNode node;

  @BeforeAll
  static void deploy() {
    node = NODES.start().await();
    JsonObject config = new JsonObject().put("maxRoomsPerConnection", MAX_ROOMS);
    node.vertx().deployVerticle(new SessionVerticle(node.hazelcast(), new InMemoryRoomHistory(100, 3600)),
      new DeploymentOptions().setConfig(config)).await();
  }

  @AfterAll
  static void close() {
    NODES.closeAll().await();
  }

  private static String newRoom() {
    return "room-" + UUID.randomUUID();
  }

  private static TestConnection connection(String userId, String role) {
    return new TestConnection(node.vertx(), userId, userId + " Name", role);
  }

  @Test
  @DisplayName("a first join announces user-joined with the participants, replies with them, and tells the joiner")
  void firstJoin(VertxTestContext ctx) {
    String room = newRoom();
    TestConnection alice = connection("alice", "learner");
    BusProbe deliveries = BusProbe.listenLocally(node.vertx(), Address.DELIVER_TO_CONNECTION).await();
    BusProbe probe = BusProbe.listen(node.vertx(), Address.room(room)).await();
    alice.join(room).onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
      assertThat(reply.getString("sessionId")).isEqualTo(room);
      assertThat(reply.getLong("seq")).isEqualTo(1L);
      assertThat(reply.getString("epoch")).isNotBlank();
      assertThat(reply.getJsonArray("participants")).hasSize(1);
      assertThat(reply.containsKey("missed")).isFalse();
    })))
      .compose(reply -> probe.next(event(Event.USER_JOINED, "alice")).map(r -> r.body())
        .onComplete(ctx.succeeding(env -> ctx.verify(() -> {
          assertThat(env.getLong("seq")).isEqualTo(1L);
          assertThat(env.getString("epoch")).isEqualTo(reply.getString("epoch"));
          JsonObject data = env.getJsonObject("data");
          assertThat(data.getString("name")).isEqualTo("alice Name");
          assertThat(data.getString("role")).isEqualTo("learner");
          // As the Socket.IO back end sent it: front ends read data.user.name.
          assertThat(data.getJsonObject("user")).isEqualTo(new JsonObject().put("userId", "alice").put("name", "alice Name").put("role", "learner"));
          assertThat(data.getJsonArray("participants")).isEqualTo(reply.getJsonArray("participants"));
        }))))
      .compose(env -> deliveries.next(body -> alice.connId().equals(body.getString("connId"))))
      .onComplete(ctx.succeeding(delivered -> ctx.verify(() -> {
        JsonObject envelope = delivered.body().getJsonObject("envelope");
        assertThat(delivered.body().getString("address")).isEqualTo(Address.room(room));
        assertThat(envelope.getString("event")).isEqualTo(Event.SESSION_JOINED);
        assertThat(envelope.containsKey("seq")).isFalse();
        assertThat(envelope.getJsonObject("data").getString("sessionId")).isEqualTo(room);
        assertThat(envelope.getJsonObject("data").getJsonArray("participants")).hasSize(1);
        deliveries.close();
        ctx.completeNow();
      })));
  }

  @Test
  @DisplayName("participants list each user once, oldest first, with name, role, presence, cursor and join time")
  void participantsContents(VertxTestContext ctx) {
    String room = newRoom();
    TestConnection alice = connection("alice", "instructor");
    TestConnection aliceTab2 = connection("alice", "instructor");
    TestConnection bob = connection("bob", "learner");
    alice.join(room)
      .compose(r -> aliceTab2.join(room))
      .compose(r -> bob.request(Inbound.SESSION_JOIN.address(),
        new JsonObject().put("sessionId", room).put("name", "Bobby")))
      .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
        JsonArray participants = reply.getJsonArray("participants");
        assertThat(participants).hasSize(2);
        JsonObject first = participants.getJsonObject(0);
        JsonObject second = participants.getJsonObject(1);
        assertThat(first.getString("userId")).isEqualTo("alice");
        assertThat(first.getString("name")).isEqualTo("alice Name");
        assertThat(first.getString("role")).isEqualTo("instructor");
        assertThat(first.getBoolean("isActive")).isTrue();
        assertThat(first.containsKey("cursor")).isTrue();
        assertThat(first.getValue("cursor")).isNull();
        assertThat(second.getString("userId")).isEqualTo("bob");
        assertThat(second.getString("name")).isEqualTo("Bobby");
        assertThat(Instant.parse(first.getString("joinedAt")))
          .isBeforeOrEqualTo(Instant.parse(second.getString("joinedAt")));
        ctx.completeNow();
      })));
  }

  @Test
  @DisplayName("a second tab joins silently, and the user leaves the room only with their last tab")
  void twoTabs(VertxTestContext ctx) {
    String room = newRoom();
    TestConnection tab1 = connection("alice", "learner");
    TestConnection tab2 = connection("alice", "learner");
    TestConnection bob = connection("bob", "learner");
    BusProbe probe = BusProbe.listen(node.vertx(), Address.room(room)).await();
    tab1.join(room)
      .compose(r -> tab2.join(room))
      .compose(r -> tab1.leave(room))
      // bob's join is a marker: events of one room arrive in order, so anything tab2's join or
      // tab1's leave announced would have come before it.
      .compose(r -> bob.join(room))
      .compose(r -> probe.next(event(Event.USER_JOINED, "bob")))
      .onComplete(ctx.succeeding(marker -> ctx.verify(() -> {
        assertThat(probe.all(event(Event.USER_JOINED, "alice"))).hasSize(1);
        assertThat(probe.all(event(Event.USER_LEFT))).isEmpty();
      })))
      .compose(r -> tab2.leave(room))
      .compose(reply -> probe.next(event(Event.USER_LEFT, "alice")))
      .onComplete(ctx.succeeding(left -> ctx.verify(() -> {
        JsonArray participants = left.body().getJsonObject("data").getJsonArray("participants");
        assertThat(participants).hasSize(1);
        assertThat(participants.getJsonObject(0).getString("userId")).isEqualTo("bob");
        assertThat(left.body().getJsonObject("data").getJsonObject("user").getString("userId")).isEqualTo("alice");
        assertThat(left.body().getLong("seq")).isEqualTo(3L);
        ctx.completeNow();
      })));
  }

  @Test
  @DisplayName("joining a room the connection is already in is idempotent")
  void joinTwice(VertxTestContext ctx) {
    String room = newRoom();
    TestConnection alice = connection("alice", "learner");
    alice.join(room)
      .compose(first -> alice.join(room).map(second -> new JsonArray().add(first).add(second)))
      .onComplete(ctx.succeeding(both -> ctx.verify(() -> {
        JsonObject first = both.getJsonObject(0);
        JsonObject second = both.getJsonObject(1);
        assertThat(second.getLong("seq")).isEqualTo(first.getLong("seq"));
        assertThat(second.getJsonArray("participants")).isEqualTo(first.getJsonArray("participants"));
        ctx.completeNow();
      })));
  }

  @Test
  @DisplayName("leaving a room one is not in succeeds and announces nothing")
  void leaveWhenNotIn(VertxTestContext ctx) {
    String room = newRoom();
    TestConnection alice = connection("alice", "learner");
    TestConnection bob = connection("bob", "learner");
    BusProbe probe = BusProbe.listen(node.vertx(), Address.room(room)).await();
    alice.join(room)
      .compose(r -> bob.leave(room))
      .onComplete(ctx.succeeding(reply -> ctx.verify(() ->
        assertThat(reply).isEqualTo(new JsonObject().put("sessionId", room)))))
      .compose(r -> alice.leave(room))
      .compose(r -> probe.next(event(Event.USER_LEFT)))
      .onComplete(ctx.succeeding(left -> ctx.verify(() -> {
        assertThat(left.body().getJsonObject("data").getString("userId")).isEqualTo("alice");
        assertThat(probe.all(event(Event.USER_LEFT))).hasSize(1);
        ctx.completeNow();
      })));
  }

  @Test
  @DisplayName("a closed connection leaves every room it was in")
  void connectionClosed(VertxTestContext ctx) {
    String room1 = newRoom();
    String room2 = newRoom();
    TestConnection alice = connection("alice", "learner");
    BusProbe probe1 = BusProbe.listen(node.vertx(), Address.room(room1)).await();
    BusProbe probe2 = BusProbe.listen(node.vertx(), Address.room(room2)).await();
    alice.join(room1)
      .compose(r -> alice.join(room2))
      .compose(r -> node.vertx().eventBus().request(Address.CONNECTION_CLOSED,
        new JsonObject().put("connId", alice.connId())))
      .compose(r -> Future.all(probe1.next(event(Event.USER_LEFT, "alice")), probe2.next(event(Event.USER_LEFT, "alice"))))
      // The connection is no member any more: a message to either room is refused.
      .compose(r -> alice.request(Inbound.SESSION_MESSAGE.address(),
        new JsonObject().put("sessionId", room1).put("text", "still here?")))
      .onComplete(ctx.failing(err -> ctx.verify(() -> {
        assertThat(dev.skillbus.protocol.ErrorCode.of(err).code()).isEqualTo(403);
        ctx.completeNow();
      })));
  }

  @Test
  @DisplayName("an admin may join with another role, and is shown with it")
  void adminChoosesRole(VertxTestContext ctx) {
    String room = newRoom();
    TestConnection admin = connection("root", "admin");
    admin.request(Inbound.SESSION_JOIN.address(), new JsonObject().put("sessionId", room).put("role", "instructor"))
      .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
        assertThat(reply.getJsonArray("participants").getJsonObject(0).getString("role")).isEqualTo("instructor");
        ctx.completeNow();
      })));
  }
  @Test
  @DisplayName("a leave sent right behind a join leaves nobody behind in the room")
  void leaveRightBehindJoin(VertxTestContext ctx) {
    String room = newRoom();
    TestConnection alice = connection("alice", "learner");
    BusProbe probe = BusProbe.listen(node.vertx(), Address.room(room)).await();
    // Not chained: the leave may reach the registry before the join does.
    Future<JsonObject> joined = alice.join(room).otherwiseEmpty();
    Future<JsonObject> left = alice.leave(room);
    TestConnection bob = connection("bob", "learner");
    Future.all(joined, left)
      // bob's join is a marker: whatever alice's join and leave announced arrives before it.
      .compose(done -> bob.join(room))
      .compose(reply -> probe.next(event(Event.USER_JOINED, "bob")).map(reply))
      .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
        assertThat(reply.getJsonArray("participants")).hasSize(1);
        assertThat(probe.all(event(Event.USER_LEFT, "alice"))).hasSameSizeAs(probe.all(event(Event.USER_JOINED, "alice")));
        ctx.completeNow();
      })));
  }

  @Test
  @DisplayName("a connection is in at most maxRoomsPerConnection rooms: one more join is a 429 and changes nothing")
  void roomsPerConnection(VertxTestContext ctx) {
    TestConnection carl = connection("carl", "learner");
    TestConnection watcher = connection("wendy", "learner");
    String[] rooms = {newRoom(), newRoom(), newRoom()};
    String extra = newRoom();
    carl.join(rooms[0]).compose(r -> carl.join(rooms[1])).compose(r -> carl.join(rooms[2]))
      .compose(r -> carl.join(rooms[0]))
      .compose(again -> carl.join(extra).transform(ar -> Future.succeededFuture(ar.cause())))
      .onComplete(ctx.succeeding(refused -> ctx.verify(() -> {
        assertThat(refused).isInstanceOf(ReplyException.class);
        assertThat(((ReplyException) refused).failureCode()).isEqualTo(429);
        assertThat(refused.getMessage()).contains("at most " + MAX_ROOMS + " rooms");
      })))
      .compose(r -> watcher.join(extra))
      .onComplete(ctx.succeeding(seen -> ctx.verify(() ->
        assertThat(seen.getJsonArray("participants")).extracting(p -> ((JsonObject) p).getString("userId"))
          .containsExactly("wendy"))))
      .compose(r -> carl.leave(rooms[1]))
      .compose(r -> carl.join(extra))
      .onComplete(ctx.succeeding(joined -> ctx.verify(() -> {
        assertThat(joined.getJsonArray("participants")).hasSize(2);
        ctx.completeNow();
      })));
  }
}
