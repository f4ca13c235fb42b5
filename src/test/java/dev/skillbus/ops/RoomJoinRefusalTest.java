package dev.skillbus.ops;

import static dev.skillbus.testing.Servers.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.Skillbus;
import dev.skillbus.testing.BridgeClient;
import dev.skillbus.testing.RestClient.Answer;
import dev.skillbus.testing.Servers;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /socket/rooms/join} when the session refuses a connection's join (each connection is
 * in at most one room here): a refused connection does not receive the room, and the answer says
 * what was moved and what was not.
 */
@DisplayName("An admin's join that the session refuses")
class RoomJoinRefusalTest {

  static Skillbus a;
  static Skillbus b;

  static JsonObject config(int port) {
    return OpsClusterFixture.adminConfig("room-join-refusal-test", port, 6411, 6412)
      .put("session", new JsonObject().put("maxRoomsPerConnection", 1));
  }

  @BeforeAll
  static void start() throws Exception {
    a = Servers.start(config(6411));
    b = Servers.start(config(6412));
    OpsClusterFixture.awaitBothUp(a, b);
  }

  @AfterAll
  static void stop() throws Exception {
    Future.join(a.close(), b.close()).await(60, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("refused for the user's only connection: 429, and the connection neither receives the room nor is in it")
  void refusedOnly() throws Exception {
    BridgeClient mia = member(a, "rj-mia", "rj-full");
    Answer refused = await(join("rj-other", "rj-mia"));
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.body().getJsonObject("error").getInteger("code")).isEqualTo(429);

    BridgeClient wes = member(a, "rj-wes", "rj-other");
    assertNothingFrom(mia, wes, "rj-other");
    JsonObject users = await(OpsClusterFixture.admin(b).get("/socket/users?limit=500")).body();
    JsonObject entry = OpsClusterFixture.item(users, "rj-mia");
    assertThat(entry.getJsonArray("rooms")).containsExactly("rj-full");
  }

  @Test
  @DisplayName("with connections on both nodes, the one that may join does, the refused one does not receive the room, and the answer says so")
  void partlyRefused() throws Exception {
    BridgeClient full = member(a, "rj-pat", "rj-full2");
    BridgeClient free = connect(b, "rj-pat");
    Answer answer = await(join("rj-room2", "rj-pat"));
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.body().getInteger("connections")).isEqualTo(1);
    assertThat(answer.body().getJsonArray("failed")).hasSize(1);
    assertThat(answer.body().getJsonArray("failed").getJsonObject(0).getInteger("code")).isEqualTo(429);
    await(free.event("room.rj-room2", "session-joined"));
    // While it was being moved, the refused connection received the room like the others (the other
    // connection's user-joined, say): what it receives after the answer counts.
    await(full.call("session.leave", new JsonObject().put("sessionId", "none")));
    for (int i = full.unclaimedEvents("room.rj-room2", "user-joined").size(); i > 0; i--) {
      await(full.event("room.rj-room2", "user-joined"));
    }

    BridgeClient wes = member(a, "rj-wes2", "rj-room2");
    assertNothingFrom(full, wes, "rj-room2");
    JsonObject said = await(free.event("room.rj-room2", "message"));
    assertThat(said.getJsonObject("data").getString("userId")).isEqualTo("rj-wes2");
  }

  @Test
  @DisplayName("a connection that was registered on the room before the refused join keeps receiving it")
  void registeredBefore() throws Exception {
    BridgeClient kim = member(a, "rj-kim", "rj-full3");
    await(kim.registered("room.rj-room3"));
    assertThat(await(join("rj-room3", "rj-kim")).status()).isEqualTo(429);

    BridgeClient wes = member(a, "rj-wes3", "rj-room3");
    await(wes.call("session.message", new JsonObject().put("sessionId", "rj-room3").put("text", "still there")));
    assertThat(await(kim.event("room.rj-room3", "message")).getJsonObject("data").getString("text")).isEqualTo("still there");
  }

  /**
   * {@code sender}, on the same node as {@code refused}, says something in the room and hears it;
   * the node writes a room event to its members in one go, so once {@code refused} answers a
   * request sent after that, anything of the room would have reached it before the answer.
   */
  private void assertNothingFrom(BridgeClient refused, BridgeClient sender, String room) throws Exception {
    String address = "room." + room;
    await(sender.call("session.message", new JsonObject().put("sessionId", room).put("text", "anyone?")));
    await(sender.event(address, "message"));
    await(refused.call("session.leave", new JsonObject().put("sessionId", "none")));
    assertThat(refused.unclaimedEvents(address, "user-joined")).isEmpty();
    assertThat(refused.unclaimedEvents(address, "message")).isEmpty();
  }

  private Future<Answer> join(String roomId, String userId) {
    return OpsClusterFixture.admin(b).post("/socket/rooms/join", new JsonObject().put("roomId", roomId).put("userId", userId));
  }

  /**
   * A client that counts as its user's connection: it sent an authenticated frame. It runs on the
   * node's Vert.x and closes with it.
   */
  private static BridgeClient connect(Skillbus node, String userId) throws Exception {
    BridgeClient client = await(BridgeClient.connectAs(node.node().vertx(), node.port(), userId, "learner"));
    await(client.call("session.leave", new JsonObject().put("sessionId", "none")));
    return client;
  }

  private static BridgeClient member(Skillbus node, String userId, String room) throws Exception {
    BridgeClient client = connect(node, userId);
    await(client.registered("room." + room));
    await(client.call("session.join", new JsonObject().put("sessionId", room)));
    return client;
  }
}
