package dev.skillbus.coaching;

import static dev.skillbus.coaching.CoachingClusterTest.connect;
import static dev.skillbus.coaching.CoachingClusterTest.rest;
import static dev.skillbus.coaching.CoachingRulesFixture.failureCode;
import static dev.skillbus.testing.Servers.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.Skillbus;
import dev.skillbus.testing.BridgeClient;
import dev.skillbus.testing.RestClient;
import dev.skillbus.testing.RestClient.Answer;
import dev.skillbus.testing.Servers;
import dev.skillbus.testing.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Deleting quick notes and action items ({@code notes.delete}, {@code actions.delete}, {@code DELETE
 * /api/notes/{id}}, {@code DELETE /api/action-items/{id}}) end to end: the caller on node A, the
 * audience on node B, both nodes on one Redis, each agent's lists bounded at {@link #MAX_ITEMS}.
 */
@DisplayName("Deleting coaching notes and action items")
class CoachingDeleteTest {

  static final int MAX_ITEMS = 3;

  @RegisterExtension
  static final TestRedis REDIS = new TestRedis(6371);
  static Skillbus a;
  static Skillbus b;

  static JsonObject config(int port) {
    return Servers.config("coaching-delete-test", port, 6361, 6362)
      .put("store", REDIS.storeConfig("coaching-delete-test:").put("maxItemsPerOwner", MAX_ITEMS));
  }

  @BeforeAll
  static void start() throws Exception {
    a = Servers.start(config(6361));
    b = Servers.start(config(6362));
  }

  @AfterAll
  static void stop() throws Exception {
    Future.join(a.close(), b.close()).await(60, TimeUnit.SECONDS);
  }

  static JsonObject note(String agentId, String content) {
    return new JsonObject().put("agentId", agentId).put("noteType", "COACHING").put("content", content)
      .put("priority", "LOW");
  }

  static JsonObject item(String agentId, String title) {
    return new JsonObject().put("agentId", agentId).put("title", title).put("dueDate", "2026-03-31")
      .put("priority", "MEDIUM").put("category", "quality");
  }

  static JsonObject id(JsonObject stored) {
    return new JsonObject().put("id", stored.getString("id"));
  }

  static List<JsonObject> listed(RestClient client, String listing) throws Exception {
    return await(client.get(listing)).body().getJsonArray("items").stream().map(JsonObject.class::cast).toList();
  }

  @Test
  @DisplayName("a deleted note is the reply, reaches the agent and the session room on the other node as quickNote:deleted, and is no longer listed")
  void noteDeletedOverTheBridge() throws Exception {
    BridgeClient lead = connect(a, "dana", "team_leader");
    BridgeClient agent = connect(b, "dev", "agent");
    await(agent.registered("user.dev", "room.del-1"));
    await(agent.call("session.join", new JsonObject().put("sessionId", "del-1")));
    JsonObject note = await(lead.call("notes.create", note("dev", "Keep calm").put("sessionId", "del-1")));
    JsonObject kept = await(lead.call("notes.create", note("dev", "Kept")));

    assertThat(await(lead.call("notes.delete", id(note)))).isEqualTo(note);
    assertThat(await(agent.event("user.dev", "quickNote:deleted")).getJsonObject("data")).isEqualTo(note);
    JsonObject inRoom = await(agent.event("room.del-1", "quickNote:deleted"));
    assertThat(inRoom.getJsonObject("data")).isEqualTo(note);
    assertThat(inRoom.getLong("seq")).as("durable in the room").isPositive();
    assertThat(listed(rest(b, "dev", "agent"), "/api/agents/dev/notes")).containsExactly(kept);
    assertThat(failureCode(await(lead.request("notes.delete", id(note))))).as("deleted already").isEqualTo(404);
    lead.close();
    agent.close();
  }

  @Test
  @DisplayName("DELETE /api/action-items/{id} and /api/notes/{id} answer the deleted item as it was last, and send actionItem:deleted and quickNote:deleted")
  void deletedOverRest() throws Exception {
    BridgeClient lead = connect(a, "dino", "team_leader");
    BridgeClient agent = connect(b, "dora", "agent");
    await(agent.registered("user.dora"));
    JsonObject item = await(lead.call("actions.create", item("dora", "Shadow Kim")));
    JsonObject started = await(agent.call("actions.update", id(item).put("status", "in_progress")));
    JsonObject note = await(agent.call("notes.create", note("dora", "My own")));

    Answer deletedItem = await(rest(a, "dora", "agent").delete("/api/action-items/" + item.getString("id")));
    assertThat(deletedItem.status()).isEqualTo(200);
    assertThat(deletedItem.headers().get("content-type")).isEqualTo("application/json");
    assertThat(deletedItem.body()).isEqualTo(started);
    assertThat(await(agent.event("user.dora", "actionItem:deleted")).getJsonObject("data")).isEqualTo(started);
    Answer deletedNote = await(rest(a, "ada", "admin").delete("/api/notes/" + note.getString("id")));
    assertThat(deletedNote.status()).isEqualTo(200);
    assertThat(deletedNote.body()).isEqualTo(note);
    assertThat(await(agent.event("user.dora", "quickNote:deleted")).getJsonObject("data")).isEqualTo(note);

    RestClient agentRest = rest(b, "dora", "agent");
    assertThat(listed(agentRest, "/api/agents/dora/action-items")).isEmpty();
    assertThat(listed(agentRest, "/api/agents/dora/notes")).isEmpty();
    assertThat(await(agentRest.patch("/api/action-items/" + item.getString("id"), new JsonObject().put("status", "done")))
      .status()).as("a deleted item is gone for updates too").isEqualTo(404);
    lead.close();
    agent.close();
  }

  @Test
  @DisplayName("refused deletions change nothing and send nothing: another agent's or a learner's (403), a team leader the item's private room does not admit (403), an unknown id (404), a malformed one (400)")
  void refusalsChangeNothing() throws Exception {
    JsonObject rule = new JsonObject().put("roomId", "private-del").put("private", true)
      .put("allowedUsers", new JsonArray().add("dana"));
    assertThat(await(rest(a, "ada", "admin").post("/socket/rooms", rule)).status()).isEqualTo(201);
    BridgeClient lead = connect(a, "dana", "team_leader");
    BridgeClient eve = connect(b, "eve", "agent");
    await(eve.registered("user.eve"));
    JsonObject note = await(lead.call("notes.create", note("eve", "Private word").put("sessionId", "private-del")));
    JsonObject item = await(lead.call("actions.create", item("eve", "Open one")));
    JsonObject sentinel = await(eve.call("notes.create", note("eve", "Sentinel")));

    BridgeClient fay = connect(a, "fay", "agent");
    BridgeClient lou = connect(a, "lou", "learner");
    BridgeClient tom = connect(a, "tom", "team_leader");
    for (BridgeClient refused : List.of(fay, lou)) {
      assertThat(failureCode(await(refused.request("notes.delete", id(note))))).isEqualTo(403);
      assertThat(failureCode(await(refused.request("actions.delete", id(item))))).isEqualTo(403);
    }
    assertThat(failureCode(await(tom.request("notes.delete", id(note))))).as("not admitted to the room").isEqualTo(403);
    Answer forbidden = await(rest(a, "fay", "agent").delete("/api/action-items/" + item.getString("id")));
    assertThat(forbidden.status()).isEqualTo(403);
    assertThat(forbidden.body().getJsonObject("error").getInteger("code")).isEqualTo(403);
    assertThat(await(rest(a, "tom", "team_leader").delete("/api/notes/" + note.getString("id"))).status()).isEqualTo(403);

    for (String address : List.of("notes.delete", "actions.delete")) {
      assertThat(failureCode(await(lead.request(address, new JsonObject().put("id", "no-such-item"))))).isEqualTo(404);
      JsonObject missing = await(lead.request(address, new JsonObject()));
      assertThat(failureCode(missing)).isEqualTo(400);
      assertThat(missing.getString("message")).contains("'id'");
      assertThat(failureCode(await(lead.request(address, new JsonObject().put("id", "not an id"))))).isEqualTo(400);
      assertThat(failureCode(await(lead.requestWith(address, "text", lead.headers())))).isEqualTo(400);
    }
    RestClient leadRest = rest(a, "dana", "team_leader");
    assertThat(await(leadRest.delete("/api/notes/no-such-item")).status()).isEqualTo(404);
    assertThat(await(leadRest.delete("/api/action-items/not%20an%20id")).status()).isEqualTo(400);
    assertThat(await(leadRest.send(HttpMethod.DELETE, "/api/action-items/" + item.getString("id"), "[1]")).status())
      .isEqualTo(400);
    assertThat(await(rest(a, null, null).delete("/api/notes/" + note.getString("id"))).status()).isEqualTo(401);

    assertThat(listed(leadRest, "/api/agents/eve/notes")).containsExactly(sentinel, note);
    assertThat(listed(leadRest, "/api/agents/eve/action-items")).containsExactly(item);
    // The agent's own deletion comes after every refusal: its event is the only one they get.
    assertThat(await(eve.call("notes.delete", id(sentinel)))).isEqualTo(sentinel);
    assertThat(await(eve.event("user.eve", "quickNote:deleted")).getJsonObject("data")).isEqualTo(sentinel);
    assertThat(eve.unclaimedEvents("user.eve", "quickNote:deleted")).isEmpty();
    assertThat(eve.unclaimedEvents("user.eve", "actionItem:deleted")).isEmpty();
    for (BridgeClient client : List.of(lead, eve, fay, lou, tom)) {
      client.close();
    }
  }

  @Test
  @DisplayName("an agent at the limit of their list is refused one more (413), deletes one and adds again, notes over the bridge and action items over REST")
  void deletingFreesAPlace() throws Exception {
    BridgeClient gus = connect(a, "gus", "agent");
    JsonObject first = await(gus.call("notes.create", note("gus", "n1")));
    for (int i = 2; i <= MAX_ITEMS; i++) {
      await(gus.call("notes.create", note("gus", "n" + i)));
    }
    assertThat(failureCode(await(gus.request("notes.create", note("gus", "one too many"))))).isEqualTo(413);
    await(gus.call("notes.delete", id(first)));
    assertThat(await(gus.call("notes.create", note("gus", "in its place"))).getString("content")).isEqualTo("in its place");
    assertThat(failureCode(await(gus.request("notes.create", note("gus", "full again"))))).isEqualTo(413);

    RestClient gusRest = rest(b, "gus", "agent");
    JsonObject oldest = await(gus.call("actions.create", item("gus", "i1")));
    for (int i = 2; i <= MAX_ITEMS; i++) {
      await(gus.call("actions.create", item("gus", "i" + i)));
    }
    assertThat(failureCode(await(gus.request("actions.create", item("gus", "one too many"))))).isEqualTo(413);
    assertThat(await(gusRest.delete("/api/action-items/" + oldest.getString("id"))).status()).isEqualTo(200);
    await(gus.call("actions.create", item("gus", "in its place")));
    assertThat(listed(gusRest, "/api/agents/gus/action-items")).extracting(i -> i.getString("title"))
      .containsExactly("in its place", "i3", "i2");
    gus.close();
  }
}
