package dev.skillbus.session;

import static dev.skillbus.testing.BusProbe.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.ClusterNode;
import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.Event;
import dev.skillbus.protocol.Header;
import dev.skillbus.protocol.Inbound;
import dev.skillbus.store.InMemoryRoomHistory;
import dev.skillbus.testing.BusProbe;
import dev.skillbus.testing.Eventually;
import dev.skillbus.testing.Nodes;
import dev.skillbus.testing.TestConnection;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Cursors, activity, messages and history in a room")
class SessionActionsTest {

  private static final int CURSOR_RATE = 10;
  private static final Nodes NODES = new Nodes("session-actions-test", 5820);
  private static ClusterNode node;
  private static InMemoryRoomHistory history;

  @BeforeAll
  static void deploy() {
    node = NODES.start().await();
    history = new InMemoryRoomHistory(100, 3600);
    JsonObject config = new JsonObject().put("cursorMaxPerSecond", CURSOR_RATE);
    node.vertx().deployVerticle(new SessionVerticle(node.hazelcast(), history),
      new DeploymentOptions().setConfig(config)).await();
  }

  @AfterAll
  static void close() {
    NODES.closeAll().await();
  }

  private static String newRoom() {
    return "room-" + UUID.randomUUID();
  }

  private static TestConnection connection(String userId) {
    return new TestConnection(node.vertx(), userId, userId + " Name", "learner");
  }

  private static Future<JsonObject> say(TestConnection conn, String room, String text) {
    return conn.request(Inbound.SESSION_MESSAGE.address(), new JsonObject().put("sessionId", room).put("text", text));
  }

  @Test
  @DisplayName("a message is stored with the next seq, published durably, and found in the history")
  void messageAndHistory(VertxTestContext ctx) {
    String room = newRoom();
    TestConnection alice = connection("alice");
    JsonObject data = new JsonObject().put("attachment", new JsonArray().add(1).add("two"));
    BusProbe probe = BusProbe.listen(node.vertx(), Address.room(room)).await();
    alice.join(room)
      .compose(r -> alice.request(Inbound.SESSION_MESSAGE.address(),
        new JsonObject().put("sessionId", room).put("text", "hello").put("data", data)))
      .onComplete(ctx.succeeding(reply -> ctx.verify(() ->
        assertThat(reply).isEqualTo(new JsonObject().put("sessionId", room).put("seq", 2L)))))
      .compose(r -> probe.next(event(Event.MESSAGE, "alice")))
      .onComplete(ctx.succeeding(message -> ctx.verify(() -> {
        assertThat(message.body().getLong("seq")).isEqualTo(2L);
        assertThat(message.headers().contains(Header.VOLATILE)).isFalse();
        assertThat(message.body().getJsonObject("data")).isEqualTo(new JsonObject()
          .put("userId", "alice").put("name", "alice Name").put("text", "hello").put("data", data));
      })))
      .compose(r -> alice.request(Inbound.SESSION_HISTORY.address(), new JsonObject().put("sessionId", room).put("since", 0)))
      .onComplete(ctx.succeeding(slice -> ctx.verify(() -> {
        assertThat(slice.getBoolean("complete")).isTrue();
        assertThat(slice.getLong("seq")).isEqualTo(2L);
        assertThat(slice.getString("epoch")).isNotBlank();
        assertThat(slice.getJsonArray("events").stream().map(e -> ((JsonObject) e).getString("event")))
          .containsExactly(Event.USER_JOINED, Event.MESSAGE);
        ctx.completeNow();
      })));
  }

  @Test
  @DisplayName("joining again with since gets exactly the missed events in order, recovered")
  void joinWithSince(VertxTestContext ctx) {
    String room = newRoom();
    TestConnection alice = connection("alice");
    TestConnection bob = connection("bob");
    alice.join(room)
      .compose(r -> bob.join(room))
      .compose(bobJoined -> alice.request(Inbound.SESSION_LEAVE.address(), new JsonObject().put("sessionId", room))
        .compose(r -> say(bob, room, "one"))
        .compose(r -> say(bob, room, "two"))
        .compose(r -> alice.request(Inbound.SESSION_JOIN.address(), new JsonObject().put("sessionId", room)
          .put("since", bobJoined.getLong("seq")).put("epoch", bobJoined.getString("epoch")))))
      .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
        // seq 2 was bob's user-joined; then alice's user-left, two messages, alice's user-joined again.
        assertThat(reply.getBoolean("recovered")).isTrue();
        assertThat(reply.getLong("seq")).isEqualTo(6L);
        JsonArray missed = reply.getJsonArray("missed");
        assertThat(missed.stream().map(e -> ((JsonObject) e).getLong("seq"))).containsExactly(3L, 4L, 5L, 6L);
        assertThat(missed.stream().map(e -> ((JsonObject) e).getString("event")))
          .containsExactly(Event.USER_LEFT, Event.MESSAGE, Event.MESSAGE, Event.USER_JOINED);
        assertThat(missed.getJsonObject(2).getJsonObject("data").getString("text")).isEqualTo("two");
        ctx.completeNow();
      })));
  }

  @Test
  @DisplayName("after the room's history was forgotten, a join with since is not recovered and gets a new epoch")
  void joinAfterForget(VertxTestContext ctx) {
    String room = newRoom();
    TestConnection alice = connection("alice");
    TestConnection bob = connection("bob");
    alice.join(room)
      .compose(first -> say(alice, room, "before")
        .compose(r -> history.forget(room))
        .compose(r -> bob.request(Inbound.SESSION_JOIN.address(), new JsonObject().put("sessionId", room)
          .put("since", 1).put("epoch", first.getString("epoch"))))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(reply.getBoolean("recovered")).isFalse();
          assertThat(reply.getJsonArray("missed")).isEmpty();
          assertThat(reply.getString("epoch")).isNotEqualTo(first.getString("epoch"));
          assertThat(reply.getLong("seq")).isEqualTo(1L);
          ctx.completeNow();
        }))));
  }

  @Test
  @DisplayName("a join with since in another epoch is not recovered and gets no events")
  void joinWithOtherEpoch(VertxTestContext ctx) {
    String room = newRoom();
    TestConnection alice = connection("alice");
    TestConnection bob = connection("bob");
    alice.join(room)
      .compose(r -> bob.request(Inbound.SESSION_JOIN.address(), new JsonObject().put("sessionId", room)
        .put("since", 0).put("epoch", "an-epoch-from-before-a-restart")))
      .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
        assertThat(reply.getBoolean("recovered")).isFalse();
        assertThat(reply.getJsonArray("missed")).isEmpty();
        assertThat(reply.getLong("seq")).isEqualTo(2L);
        ctx.completeNow();
      })));
  }

  @Test
  @DisplayName("activity is published as a volatile event without echo and shown in the participants")
  void activity(VertxTestContext ctx) {
    String room = newRoom();
    TestConnection alice = connection("alice");
    TestConnection bob = connection("bob");
    BusProbe probe = BusProbe.listen(node.vertx(), Address.room(room)).await();
    alice.join(room)
      .compose(r -> alice.request(Inbound.SESSION_ACTIVITY.address(),
        new JsonObject().put("sessionId", room).put("isActive", false)))
      .compose(r -> probe.next(event(Event.USER_ACTIVITY_CHANGED, "alice")))
      .onComplete(ctx.succeeding(changed -> ctx.verify(() -> {
        assertThat(changed.body().getJsonObject("data").getBoolean("isActive")).isFalse();
        assertThat(changed.body().containsKey("seq")).isFalse();
        assertThat(changed.headers().get(Header.VOLATILE)).isNotNull();
        assertThat(changed.headers().get(Header.ORIGIN_CONN)).isEqualTo(alice.connId());
      })))
      .compose(r -> bob.join(room))
      .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
        assertThat(reply.getJsonArray("participants").getJsonObject(0).getBoolean("isActive")).isFalse();
        assertThat(reply.getLong("seq")).isEqualTo(2L);
        ctx.completeNow();
      })));
  }

  @Test
  @DisplayName("a burst of cursors is coalesced: the first and the latest are published, within the rate")
  void cursorCoalescing(VertxTestContext ctx) {
    String room = newRoom();
    TestConnection alice = connection("alice");
    TestConnection bob = connection("bob");
    int burst = 50;
    BusProbe probe = BusProbe.listen(node.vertx(), Address.room(room)).await();
    alice.join(room).await();
    long started = System.nanoTime();
    for (int line = 1; line <= burst; line++) {
      alice.send(Inbound.SESSION_CURSOR.address(), new JsonObject().put("sessionId", room).put("line", line).put("column", 7));
    }
    probe.next(event(Event.CURSOR_MOVED).and(env -> env.getJsonObject("data").getJsonObject("cursor").getInteger("line") == burst))
      .onComplete(ctx.succeeding(last -> ctx.verify(() -> {
        double elapsedSeconds = (System.nanoTime() - started) / 1e9;
        List<JsonObject> moves = probe.all(event(Event.CURSOR_MOVED));
        assertThat(moves.size()).isBetween(2, 2 + (int) (elapsedSeconds * CURSOR_RATE));
        assertThat(moves.get(0).getJsonObject("data"))
          .isEqualTo(new JsonObject().put("userId", "alice").put("cursor", new JsonObject().put("line", 1).put("column", 7)));
        assertThat(last.headers().get(Header.ORIGIN_CONN)).isEqualTo(alice.connId());
        assertThat(last.headers().get(Header.VOLATILE)).isNotNull();
      })))
      // The participants list records the latest cursor within one record interval (1 s).
      .compose(r -> Eventually.holds(node.vertx(), 100, 5000, () -> bob.join(room).map(reply ->
        new JsonObject().put("line", burst).put("column", 7)
          .equals(reply.getJsonArray("participants").getJsonObject(0).getJsonObject("cursor")))))
      .onComplete(ctx.succeedingThenComplete());
  }
}
