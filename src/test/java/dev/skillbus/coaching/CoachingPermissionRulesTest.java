package dev.skillbus.coaching;

import static dev.skillbus.testing.Servers.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.testing.BridgeClient;
import dev.skillbus.testing.RestClient;
import dev.skillbus.testing.RestClient.Answer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every permission rule of coaching, with its code: what agents, learners, team leaders and admins
 * may create, change, read and notify, the addresses no browser may reach, and private rooms.
 */
@DisplayName("Coaching requests that break a permission rule")
class CoachingPermissionRulesTest extends CoachingRulesFixture {

  @Test
  @DisplayName("an agent creates notes and action items only for themselves (403 for another agent)")
  void agentsCreateOnlyTheirOwn() throws Exception {
    assertThat(await(agent.call("notes.create", note())).getString("agentId")).isEqualTo("arun");
    JsonObject refused = await(agent.request("notes.create", with(note(), "agentId", "bea")));
    assertThat(failureCode(refused)).isEqualTo(403);
    assertThat(refused.getString("message")).isEqualTo("an agent may only see and change their own notes and action items");
    assertThat(failureCode(await(agent.request("actions.create", with(item(), "agentId", "bea"))))).isEqualTo(403);
    JsonObject learners = await(learner.request("notes.create", note()));
    assertThat(failureCode(learners)).isEqualTo(403);
    assertThat(learners.getString("message")).startsWith("a learner may only");
  }

  @Test
  @DisplayName("an agent changes and lists only their own items; a team leader anyone's")
  void agentsSeeOnlyTheirOwn() throws Exception {
    JsonObject beasItem = await(lead.call("actions.create", with(item(), "agentId", "bea")));
    JsonObject change = new JsonObject().put("id", beasItem.getString("id")).put("status", "in_progress");
    assertThat(failureCode(await(agent.request("actions.update", change)))).isEqualTo(403);
    Answer patched = await(rest("arun", "agent").patch("/api/action-items/" + beasItem.getString("id"),
      new JsonObject().put("status", "in_progress")));
    assertThat(patched.status()).isEqualTo(403);
    assertThat(patched.body().getJsonObject("error").getInteger("code")).isEqualTo(403);
    assertThat(await(rest("arun", "agent").get("/api/agents/bea/notes")).status()).isEqualTo(403);
    assertThat(await(rest("arun", "agent").get("/api/agents/bea/action-items")).status()).isEqualTo(403);
    assertThat(await(rest("arun", "agent").get("/api/agents/arun/notes")).status()).isEqualTo(200);
    assertThat(await(rest("ada", "admin").get("/api/agents/bea/action-items")).body().getInteger("total")).isEqualTo(1);
    assertThat(await(lead.call("actions.update", change)).getString("status")).isEqualTo("in_progress");
  }

  @Test
  @DisplayName("only team leaders, instructors and admins notify others; anyone notifies themselves")
  void whoMayNotifyWhom() throws Exception {
    assertThat(failureCode(await(learner.request("notify.send", notification())))).isEqualTo(403);
    assertThat(failureCode(await(agent.request("notify.send", with(notification(), "userId", "lena"))))).isEqualTo(403);
    assertThat(await(learner.call("notify.send", with(notification(), "userId", "lou"))).getBoolean("queued")).isTrue();
    BridgeClient instructor = connect("ines", "instructor");
    assertThat(await(instructor.call("notify.send", with(notification(), "userId", "lou"))).getBoolean("queued")).isTrue();
    instructor.close();
  }

  @Test
  @DisplayName("agents and learners read session documents but may not write them (403)")
  void onlyCoachesWriteSessions() throws Exception {
    JsonObject update = sessionUpdate(new JsonObject().put("discussionNotes", "mine"));
    assertThat(failureCode(await(agent.request("session.update", update)))).isEqualTo(403);
    assertThat(failureCode(await(learner.request("session.update", update)))).isEqualTo(403);
    await(lead.call("session.update", update));
    Answer read = await(rest("arun", "agent").get("/api/sessions/rules-session"));
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.body().getJsonObject("document").getString("discussionNotes")).isEqualTo("mine");
  }

  @Test
  @DisplayName("listings and the inbox hand-over are not reachable from a browser (403)")
  void internalAddressesAreClosed() throws Exception {
    for (String address : new String[] {"notes.list", "actions.list", "session.get", "skillbus.internal.user-registered",
      "skillbus.internal.room-event"}) {
      assertThat(failureCode(await(lead.request(address, new JsonObject().put("agentId", "arun"))))).as(address).isEqualTo(403);
    }
  }

  @Test
  @DisplayName("a private room's rule holds for coaching too: who may not join it neither writes into it nor reads it (403, nothing stored)")
  void privateSessionRooms() throws Exception {
    JsonObject rule = new JsonObject().put("roomId", "private-coaching").put("private", true)
      .put("allowedUsers", new JsonArray().add("lena"));
    assertThat(await(RestClient.bearer(vertx, node.port(), ADMIN_KEY).post("/socket/rooms", rule)).status()).isEqualTo(201);
    BridgeClient pria = connect("pria", "agent");
    BridgeClient tess = connect("tess", "team_leader");
    JsonObject inRoom = new JsonObject().put("sessionId", "private-coaching");
    JsonObject refusedNote = with(with(note(), "agentId", "pria"), "sessionId", "private-coaching");
    JsonObject refusedItem = with(with(item(), "agentId", "pria"), "sessionId", "private-coaching");

    assertThat(failureCode(await(pria.request("notes.create", refusedNote)))).isEqualTo(403);
    assertThat(failureCode(await(pria.request("actions.create", refusedItem)))).isEqualTo(403);
    assertThat(failureCode(await(tess.request("session.update", inRoom.copy()
      .put("updates", new JsonObject().put("discussionNotes", "not hers")))))).isEqualTo(403);
    Answer read = await(rest("tess", "team_leader").get("/api/sessions/private-coaching"));
    assertThat(read.status()).isEqualTo(403);
    assertThat(read.body().getJsonObject("error").getString("message")).contains("private");
    RestClient leadRest = rest("lena", "team_leader");
    assertThat(await(leadRest.get("/api/agents/pria/notes")).body().getInteger("total")).isZero();
    assertThat(await(leadRest.get("/api/agents/pria/action-items")).body().getInteger("total")).isZero();
    assertThat(await(leadRest.get("/api/sessions/private-coaching")).status()).isEqualTo(404);

    // The allowed team leader writes into the room, for the agent too; the agent may not move an
    // item of that room, and the item stays as it was.
    await(lead.call("session.update", inRoom.copy().put("updates", new JsonObject().put("discussionNotes", "hers"))));
    assertThat(await(lead.call("notes.create", refusedNote)).getString("sessionId")).isEqualTo("private-coaching");
    String id = await(lead.call("actions.create", refusedItem)).getString("id");
    assertThat(failureCode(await(pria.request("actions.update", new JsonObject().put("id", id).put("status", "in_progress")))))
      .isEqualTo(403);
    JsonObject items = await(leadRest.get("/api/agents/pria/action-items")).body();
    assertThat(items.getJsonArray("items").getJsonObject(0).getString("status")).isEqualTo("open");
    Answer document = await(leadRest.get("/api/sessions/private-coaching"));
    assertThat(document.status()).isEqualTo(200);
    assertThat(document.body().getJsonObject("document").getString("discussionNotes")).isEqualTo("hers");
    assertThat(await(leadRest.get("/api/agents/pria/notes")).body().getInteger("total")).isEqualTo(1);
    // Another team leader, whom the room does not admit, does not see them in the agent's listings;
    // the agent, to whom they were sent, does.
    RestClient tessRest = rest("tess", "team_leader");
    for (String listing : new String[] {"/api/agents/pria/notes", "/api/agents/pria/action-items"}) {
      JsonObject hidden = await(tessRest.get(listing)).body();
      assertThat(hidden.getInteger("total")).as(listing).isZero();
      assertThat(hidden.getJsonArray("items")).as(listing).isEmpty();
      assertThat(await(rest("pria", "agent").get(listing)).body().getInteger("total")).as(listing).isEqualTo(1);
    }
    pria.close();
    tess.close();
  }
}
