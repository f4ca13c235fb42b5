package dev.skillbus.ops;

import static dev.skillbus.testing.Servers.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.protocol.Address;
import dev.skillbus.testing.BridgeClient;
import dev.skillbus.testing.RestClient;
import dev.skillbus.testing.RestClient.Answer;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What an admin does through the operations API on a two-node cluster: makes rooms (private ones
 * too), moves a user's connections into a room and out, sends room messages and notifications. Each
 * reaches the clients on both nodes.
 */
@DisplayName("Operations on a two-node cluster: an admin's rooms, moves, messages and notifications")
class OpsActionsTest extends OpsClusterFixture {

  @Test
  @DisplayName("a move of a user whose node does not answer in time is a 503, not a 404: it may still happen there")
  void moveOnStalledNode() throws Exception {
    member(b, "mvs-gus", "mvs-room");
    Runnable resume = stall(b, LocalNode.JOIN, LocalNode.LEAVE);
    try {
      for (String path : List.of("/socket/rooms/join", "/socket/rooms/leave")) {
        Answer answer = await(admin(a).post(path, new JsonObject().put("roomId", "mvs-elsewhere").put("userId", "mvs-gus")));
        assertThat(answer.status()).as(path).isEqualTo(503);
        assertThat(answer.body().getJsonObject("error").getString("message")).contains("did not answer in time");
      }
    } finally {
      resume.run();
    }
    Answer unknown = await(admin(a).post("/socket/rooms/join", new JsonObject().put("roomId", "mvs-room").put("userId", "mvs-nobody")));
    assertThat(unknown.status()).isEqualTo(404);
  }

  @Test
  @DisplayName("a private room's rule holds on every node from its creation: others may not receive or join, named users and roles may")
  void privateRoom() throws Exception {
    JsonObject rule = new JsonObject().put("roomId", "pr-room").put("private", true)
      .put("allowedUsers", new JsonArray().add("pr-dana")).put("allowedRoles", new JsonArray().add("instructor"));
    Answer created = await(admin(a).post("/socket/rooms", rule));
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.body().getMap()).containsEntry("roomId", "pr-room").containsEntry("private", true)
      .containsEntry("createdBy", "admin-key").containsEntry("complete", true);
    // The same rule asked for again by the same caller (a create answered 503, sent again) answers as
    // the first time; another rule for the room is a conflict.
    Answer again = await(admin(b).post("/socket/rooms", rule));
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.body().getString("createdAt")).isEqualTo(created.body().getString("createdAt"));
    Answer other = await(admin(b).post("/socket/rooms", rule.copy().put("allowedUsers", new JsonArray().add("pr-eve"))));
    assertThat(other.status()).isEqualTo(409);

    BridgeClient eve = connect(b, "pr-eve", "learner");
    eve.register("room.pr-room");
    JsonObject refused = await(eve.next(f -> "err".equals(f.getString("type")) && "room.pr-room".equals(f.getString("address"))));
    assertThat(refused.getInteger("failureCode")).isEqualTo(403);
    assertThat(await(eve.request("session.join", new JsonObject().put("sessionId", "pr-room"))).getInteger("failureCode"))
      .isEqualTo(403);
    member(b, "pr-dana", "pr-room");
    BridgeClient teacher = connect(a, "pr-tom", "instructor");
    teacher.register("room.pr-room");
    await(teacher.call("session.join", new JsonObject().put("sessionId", "pr-room")));

    JsonObject listed = item(await(admin(b).get("/socket/rooms?limit=500")).body(), "pr-room");
    assertThat(listed.getMap()).containsEntry("private", true).containsEntry("members", 2);
    assertThat(listed.getJsonArray("allowedUsers")).containsExactly("pr-dana");
  }

  @Test
  @DisplayName("a room made private takes the room away from whoever registered on it before and is neither admitted nor a member")
  void privateRoomRevokesEarlierRegistrations() throws Exception {
    BridgeClient eve = connect(b, "sq-eve", "learner");
    await(eve.registered("room.sq-room"));
    BridgeClient mia = member(a, "sq-mia", "sq-room");
    JsonObject rule = new JsonObject().put("roomId", "sq-room").put("allowedUsers", new JsonArray().add("sq-dana"));
    assertThat(await(admin(a).post("/socket/rooms", rule)).status()).isEqualTo(201);
    JsonObject revoked = await(eve.next(f -> "err".equals(f.getString("type")) && "room.sq-room".equals(f.getString("address"))));
    assertThat(revoked.getInteger("failureCode")).isEqualTo(403);

    BridgeClient dana = member(b, "sq-dana", "sq-room");
    await(dana.call("session.message", new JsonObject().put("sessionId", "sq-room").put("text", "for members only")));
    // Mia, a member before the rule, stays; Dana on Eve's node gets the message, so Eve would have by
    // now, and a reply to Eve comes after anything written to her socket before it.
    await(mia.event("room.sq-room", "message"));
    await(dana.event("room.sq-room", "message"));
    await(eve.call("session.leave", new JsonObject().put("sessionId", "none")));
    assertThat(eve.unclaimedEvents("room.sq-room", "message")).isEmpty();
  }

  @Test
  @DisplayName("a member of a room made private whom its rule does not admit stops receiving it when they leave it, with a 403 on the room's address")
  void leavingAPrivateRoomEndsItsRegistration() throws Exception {
    BridgeClient mia = member(b, "lv-mia", "lv-room");
    JsonObject rule = new JsonObject().put("roomId", "lv-room").put("allowedUsers", new JsonArray().add("lv-dana"));
    assertThat(await(admin(a).post("/socket/rooms", rule)).status()).isEqualTo(201);
    await(mia.call("session.leave", new JsonObject().put("sessionId", "lv-room")));
    JsonObject revoked = await(mia.next(f -> "err".equals(f.getString("type")) && "room.lv-room".equals(f.getString("address"))));
    assertThat(revoked.getInteger("failureCode")).isEqualTo(403);

    BridgeClient dana = member(b, "lv-dana", "lv-room");
    await(dana.call("session.message", new JsonObject().put("sessionId", "lv-room").put("text", "after mia left")));
    // Dana on Mia's node gets the message, so Mia would have by now, and a reply to Mia comes after
    // anything written to her socket before it.
    await(dana.event("room.lv-room", "message"));
    await(mia.call("session.leave", new JsonObject().put("sessionId", "none")));
    assertThat(mia.unclaimedEvents("room.lv-room", "message")).isEmpty();
  }

  @Test
  @DisplayName("a room made with an empty list of allowed users or roles is private: admins only")
  void emptyListsArePrivate() throws Exception {
    for (String list : List.of("allowedUsers", "allowedRoles")) {
      String room = "el-" + list;
      Answer created = await(admin(a).post("/socket/rooms", new JsonObject().put("roomId", room).put(list, new JsonArray())));
      assertThat(created.status()).isEqualTo(201);
      assertThat(created.body().getBoolean("private")).as(list).isTrue();
      BridgeClient ned = connect(b, "el-ned", "instructor");
      assertThat(await(ned.request("session.join", new JsonObject().put("sessionId", room))).getInteger("failureCode"))
        .isEqualTo(403);
    }
  }

  @Test
  @DisplayName("malformed room bodies are refused with 400 and create nothing")
  void badRoomBodies() throws Exception {
    RestClient admin = admin(a);
    assertThat(await(admin.send(HttpMethod.POST, "/socket/rooms", "{not json")).status()).isEqualTo(400);
    assertThat(await(admin.send(HttpMethod.POST, "/socket/rooms", "[1, 2]")).status()).isEqualTo(400);
    for (JsonObject body : List.of(new JsonObject(), new JsonObject().put("roomId", "bad room"),
      new JsonObject().put("roomId", "bb-room").put("private", "yes"),
      new JsonObject().put("roomId", "bb-room").put("allowedRoles", new JsonArray().add("boss")),
      new JsonObject().put("roomId", "bb-room").put("allowedUsers", "pat"),
      new JsonObject().put("roomId", "bb-room").put("private", false).put("allowedUsers", new JsonArray().add("pat")))) {
      Answer answer = await(admin.post("/socket/rooms", body));
      assertThat(answer.status()).as(body.encode()).isEqualTo(400);
      assertThat(answer.body().getJsonObject("error").getString("message")).isNotBlank();
    }
    for (String path : List.of("/socket/rooms/join", "/socket/rooms/leave")) {
      assertThat(await(admin.post(path, new JsonObject().put("roomId", "bb-room"))).status()).isEqualTo(400);
      assertThat(await(admin.post(path, new JsonObject().put("userId", "pat"))).status()).isEqualTo(400);
    }
    JsonObject rooms = await(admin.get("/socket/rooms?limit=500")).body();
    assertThat(rooms.getJsonArray("items").stream().map(r -> ((JsonObject) r).getString("id"))).doesNotContain("bb-room");
  }

  @Test
  @DisplayName("an admin moves every connection of a user, on both nodes, into a room and out again; others see it")
  void moveUser() throws Exception {
    BridgeClient watcher = member(a, "mv-wes", "mv-room");
    BridgeClient onA = connect(a, "mv-fay", "learner");
    BridgeClient onB = connect(b, "mv-fay", "learner");
    Answer joined = await(admin(b).post("/socket/rooms/join", new JsonObject().put("roomId", "mv-room").put("userId", "mv-fay")));
    assertThat(joined.status()).isEqualTo(200);
    assertThat(joined.body().getMap()).containsEntry("connections", 2).containsEntry("complete", true);
    assertThat(await(eventAbout(watcher, "room.mv-room", "user-joined", "mv-fay")).getJsonObject("data")
      .getJsonArray("participants")).hasSize(2);
    for (BridgeClient tab : List.of(onA, onB)) {
      assertThat(await(tab.event("room.mv-room", "session-joined")).getJsonObject("data").getString("sessionId")).isEqualTo("mv-room");
    }
    await(watcher.call("session.message", new JsonObject().put("sessionId", "mv-room").put("text", "welcome")));
    assertThat(await(onB.event("room.mv-room", "message")).getJsonObject("data").getString("text")).isEqualTo("welcome");

    Answer left = await(admin(a).post("/socket/rooms/leave", new JsonObject().put("roomId", "mv-room").put("userId", "mv-fay")));
    assertThat(left.body().getMap()).containsEntry("connections", 2);
    assertThat(await(eventAbout(watcher, "room.mv-room", "user-left", "mv-fay")).getJsonObject("data")
      .getJsonArray("participants")).hasSize(1);
    // Each connection taken out is told so, on the room's address, before it stops receiving the room.
    for (BridgeClient tab : List.of(onA, onB)) {
      assertThat(await(tab.event("room.mv-room", "session-left")).getJsonObject("data"))
        .isEqualTo(new JsonObject().put("sessionId", "mv-room").put("reason", "removed"));
    }
    assertThat(watcher.unclaimedEvents("room.mv-room", "session-left")).isEmpty();
    JsonObject fay = item(await(admin(a).get("/socket/users?limit=500")).body(), "mv-fay");
    assertThat(fay.getJsonArray("rooms")).isEmpty();

    Answer unknown = await(admin(a).post("/socket/rooms/join", new JsonObject().put("roomId", "mv-room").put("userId", "mv-nobody")));
    assertThat(unknown.status()).isEqualTo(404);
    await(admin(a).post("/socket/rooms", new JsonObject().put("roomId", "mv-closed").put("private", true)));
    Answer refused = await(admin(a).post("/socket/rooms/join", new JsonObject().put("roomId", "mv-closed").put("userId", "mv-fay")));
    assertThat(refused.status()).isEqualTo(403);
  }

  @Test
  @DisplayName("a room message whose room's members are not read in time (a node stalled) is a 503 and is not sent once they are")
  void roomMessageWhileMembersUnread() throws Exception {
    BridgeClient onB = member(b, "rs-ida", "rs-room");
    // Node A's reads of a room's members wait, as behind a stalled node, until the test lets them through.
    List<DeliveryContext<Object>> held = new CopyOnWriteArrayList<>();
    Handler<DeliveryContext<Object>> holding = delivery -> {
      if (Address.ROOM_PARTICIPANTS.equals(delivery.message().address())) {
        held.add(delivery);
      } else {
        delivery.next();
      }
    };
    a.node().vertx().eventBus().addInboundInterceptor(holding);
    Answer refused;
    try {
      refused = await(admin(a).post("/socket/rooms/message", new JsonObject().put("roomId", "rs-room")
        .put("text", "while stalled").put("data", new JsonObject())));
    } finally {
      a.node().vertx().eventBus().removeInboundInterceptor(holding);
      held.forEach(DeliveryContext::next);
    }
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.body().getJsonObject("error").getString("message")).contains("nothing was sent");
    Answer sent = await(admin(a).post("/socket/rooms/message", new JsonObject().put("roomId", "rs-room")
      .put("text", "after").put("data", new JsonObject())));
    assertThat(sent.status()).isEqualTo(200);
    assertThat(await(onB.event("room.rs-room", "message")).getJsonObject("data").getString("text"))
      .as("the refused message never comes").isEqualTo("after");
  }

  @Test
  @DisplayName("an admin's room message is a durable event that members on both nodes receive; bad ones are refused")
  void roomMessage() throws Exception {
    BridgeClient onA = member(a, "rm-gus", "rm-room");
    BridgeClient onB = member(b, "rm-hal", "rm-room");
    Answer sent = await(admin(a).post("/socket/rooms/message", new JsonObject().put("roomId", "rm-room")
      .put("text", "Maintenance at noon").put("data", new JsonObject().put("level", "info"))));
    assertThat(sent.status()).isEqualTo(200);
    assertThat(sent.body().getMap()).containsEntry("event", "message");
    for (BridgeClient member : List.of(onA, onB)) {
      JsonObject message = await(member.event("room.rm-room", "message"));
      assertThat(message.getLong("seq")).isEqualTo(sent.body().getLong("seq"));
      assertThat(message.getJsonObject("data")).isEqualTo(new JsonObject().put("userId", "admin-key")
        .put("name", "Administrator").put("text", "Maintenance at noon").put("data", new JsonObject().put("level", "info")));
    }
    await(admin(b).post("/socket/rooms/message", new JsonObject().put("roomId", "rm-room").put("event", "status_update")
      .put("data", new JsonObject().put("status", "busy"))));
    assertThat(await(onA.event("room.rm-room", "status_update")).getJsonObject("data")).isEqualTo(new JsonObject().put("status", "busy"));

    RestClient admin = admin(b);
    assertThat(await(admin.post("/socket/rooms/message", new JsonObject().put("roomId", "rm-nowhere").put("text", "hi").put("data", 1)))
      .status()).isEqualTo(404);
    // A message's text is held to a member's rule: none, or blank, is refused and stores nothing.
    for (Object text : new Object[] {null, "", "   ", 5, "t".repeat(4001)}) {
      Answer refused = await(admin.post("/socket/rooms/message", new JsonObject().put("roomId", "rm-room").put("text", text)
        .put("data", new JsonObject())));
      assertThat(refused.status()).as(String.valueOf(text)).isEqualTo(400);
    }
    assertThat(await(admin.post("/socket/rooms/message", new JsonObject().put("roomId", "rm-room"))).status()).isEqualTo(400);
    // The events that report what the server holds are its own: a course's completion, a presence change.
    // So are skillbus.js's own events, which its listeners share with the server's.
    for (String reserved : List.of("user-left", "course_generation_complete", "course_generation_update", "session_status",
        "actionItem:created", "notification", "session-left", "reset", "state", "error", "failed")) {
      Answer refused = await(admin.post("/socket/rooms/message", new JsonObject().put("roomId", "rm-room").put("event", reserved)
        .put("data", new JsonObject().put("success", true))));
      assertThat(refused.status()).as(reserved).isEqualTo(400);
    }
    assertThat(await(admin.post("/socket/rooms/message", new JsonObject().put("roomId", "rm-room").put("event", "status_update")
      .put("data", "text"))).status()).isEqualTo(400);
    // Without Redis each node keeps its own history: the message went through node A.
    JsonObject history = await(onA.call("session.history", new JsonObject().put("sessionId", "rm-room").put("since", 0)));
    assertThat(history.getJsonArray("events").stream().map(e -> ((JsonObject) e).getString("event")))
      .containsOnlyOnce("message").doesNotContain("course_generation_complete", "course_generation_update", "session_status",
        "reset", "state", "error");
  }

  @Test
  @DisplayName("an admin's notification reaches the user on the other node, as notify.send does; a bad one is refused")
  void notification() throws Exception {
    BridgeClient ivy = connect(b, "nt-ivy", "learner");
    await(ivy.registered("user.nt-ivy"));
    Answer sent = await(admin(a).post("/socket/notifications", new JsonObject().put("userId", "nt-ivy").put("type", "warning")
      .put("message", "Server restarts at noon")));
    assertThat(sent.status()).isEqualTo(200);
    assertThat(sent.body()).isEqualTo(new JsonObject().put("delivered", true).put("queued", false));
    JsonObject data = await(ivy.event("user.nt-ivy", "notification")).getJsonObject("data");
    assertThat(data.getString("message")).isEqualTo("Server restarts at noon");
    assertThat(data.getJsonObject("from")).isEqualTo(new JsonObject().put("id", "admin-key").put("name", "Administrator"));
    assertThat(await(admin(a).post("/socket/notifications", new JsonObject().put("userId", "nt-ivy").put("type", "loud")
      .put("message", "x"))).status()).isEqualTo(400);
  }

  /** The next envelope of this event on this address whose data is about this user. */
  static Future<JsonObject> eventAbout(BridgeClient client, String address, String event, String userId) {
    return client.next(f -> address.equals(f.getString("address")) && f.getValue("body") instanceof JsonObject body
      && event.equals(body.getString("event")) && userId.equals(body.getJsonObject("data").getString("userId")))
      .map(f -> f.getJsonObject("body"));
  }
}
