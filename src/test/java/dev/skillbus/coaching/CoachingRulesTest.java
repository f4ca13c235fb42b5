package dev.skillbus.coaching;

import static dev.skillbus.testing.Servers.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.Skillbus;
import dev.skillbus.testing.BridgeClient;
import dev.skillbus.testing.RestClient;
import dev.skillbus.testing.RestClient.Answer;
import dev.skillbus.testing.Servers;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every field rule and permission rule of coaching, with its code, on one node. */
@DisplayName("Coaching requests that break a rule")
class CoachingRulesTest {

  static Skillbus node;
  static Vertx vertx;
  static BridgeClient lead;
  static BridgeClient agent;
  static BridgeClient learner;
  static final String ADMIN_KEY = "coaching-rules-admin-key-0123456789";

  @BeforeAll
  static void start() throws Exception {
    JsonObject config = Servers.config("coaching-rules-test", 6310, 6310, 6310);
    config.getJsonObject("bridge").getJsonObject("auth").put("adminKey", ADMIN_KEY);
    node = Servers.start(config);
    vertx = node.node().vertx();
    lead = connect("lena", "team_leader");
    agent = connect("arun", "agent");
    learner = connect("lou", "learner");
  }

  @AfterAll
  static void stop() throws Exception {
    node.close().await(30, TimeUnit.SECONDS);
  }

  static BridgeClient connect(String userId, String role) throws Exception {
    return await(BridgeClient.connectAs(vertx, node.port(), userId, role));
  }

  static RestClient rest(String userId, String role) throws Exception {
    return await(RestClient.as(vertx, node.port(), userId, role));
  }

  static JsonObject note() {
    return new JsonObject().put("agentId", "arun").put("noteType", "COACHING").put("content", "Good call")
      .put("priority", "LOW");
  }

  static JsonObject item() {
    return new JsonObject().put("agentId", "arun").put("title", "Shadow a call").put("dueDate", "2026-03-31")
      .put("priority", "MEDIUM").put("category", "quality");
  }

  static JsonObject sessionUpdate(JsonObject updates) {
    return new JsonObject().put("sessionId", "rules-session").put("updates", updates);
  }

  static JsonObject notification() {
    return new JsonObject().put("userId", "arun").put("type", "info").put("message", "Hello");
  }

  /** A copy of {@code body} with {@code field} set to {@code value}, or removed when it is null. */
  static JsonObject with(JsonObject body, String field, Object value) {
    JsonObject copy = body.copy();
    if (value == null) {
      copy.remove(field);
    } else {
      copy.put(field, value);
    }
    return copy;
  }

  static Stream<Arguments> badBodies() {
    String tooLong = "x".repeat(5001);
    return Stream.of(
      Arguments.of("notes.create", with(note(), "agentId", null), "agentId"),
      Arguments.of("notes.create", with(note(), "agentId", "not an id"), "agentId"),
      Arguments.of("notes.create", with(note(), "noteType", null), "noteType"),
      Arguments.of("notes.create", with(note(), "noteType", "coaching"), "noteType"),
      Arguments.of("notes.create", with(note(), "content", null), "content"),
      Arguments.of("notes.create", with(note(), "content", " "), "content"),
      Arguments.of("notes.create", with(note(), "content", tooLong), "content"),
      Arguments.of("notes.create", with(note(), "priority", "CRITICAL"), "priority"),
      Arguments.of("notes.create", with(note(), "category", "c".repeat(101)), "category"),
      Arguments.of("notes.create", with(note(), "sessionId", "no spaces"), "sessionId"),
      Arguments.of("actions.create", with(item(), "title", null), "title"),
      Arguments.of("actions.create", with(item(), "title", "t".repeat(201)), "title"),
      Arguments.of("actions.create", with(item(), "description", tooLong), "description"),
      Arguments.of("actions.create", with(item(), "dueDate", null), "dueDate"),
      Arguments.of("actions.create", with(item(), "dueDate", "31/03/2026"), "dueDate"),
      Arguments.of("actions.create", with(item(), "dueDate", "2026-02-30"), "dueDate"),
      Arguments.of("actions.create", with(item(), "dueDate", "2026-03-31T25:00:00Z"), "dueDate"),
      Arguments.of("actions.create", with(item(), "priority", null), "priority"),
      Arguments.of("actions.create", with(item(), "category", null), "category"),
      Arguments.of("actions.update", new JsonObject().put("status", "done"), "id"),
      Arguments.of("actions.update", new JsonObject().put("id", "some-id").put("status", "finished"), "status"),
      Arguments.of("actions.update", new JsonObject().put("id", "some-id"), "status"),
      Arguments.of("session.update", with(sessionUpdate(new JsonObject().put("engagementScore", 5)), "sessionId", null), "sessionId"),
      Arguments.of("session.update", new JsonObject().put("sessionId", "rules-session"), "updates"),
      Arguments.of("session.update", sessionUpdate(new JsonObject()), "updates"),
      Arguments.of("session.update", sessionUpdate(new JsonObject().put("mood", "good")), "updates.mood"),
      Arguments.of("session.update", sessionUpdate(new JsonObject().put("discussionNotes", 12)), "updates.discussionNotes"),
      Arguments.of("session.update", sessionUpdate(new JsonObject().put("discussionNotes", "n".repeat(20_001))), "updates.discussionNotes"),
      Arguments.of("session.update", sessionUpdate(new JsonObject().put("topicsCovered", "empathy")), "updates.topicsCovered"),
      Arguments.of("session.update", sessionUpdate(new JsonObject().put("topicsCovered", new JsonArray().add(""))), "updates.topicsCovered"),
      Arguments.of("session.update", sessionUpdate(new JsonObject().put("engagementScore", 11)), "updates.engagementScore"),
      Arguments.of("session.update", sessionUpdate(new JsonObject().put("engagementScore", -0.5)), "updates.engagementScore"),
      Arguments.of("session.update", sessionUpdate(new JsonObject().put("engagementScore", "7")), "updates.engagementScore"),
      Arguments.of("session.update", sessionUpdate(new JsonObject().put("engagementScore", 7)).put("expectedVersion", -1), "expectedVersion"),
      Arguments.of("notify.send", with(notification(), "userId", null), "userId"),
      Arguments.of("notify.send", with(notification(), "type", "urgent"), "type"),
      Arguments.of("notify.send", with(notification(), "message", null), "message"),
      Arguments.of("notify.send", with(notification(), "message", "m".repeat(2001)), "message"));
  }

  @ParameterizedTest(name = "{0} refuses a bad ''{2}''")
  @MethodSource("badBodies")
  @DisplayName("a request with a field that breaks its rule is refused with 400 naming the field")
  void refusesBadFields(String address, JsonObject body, String field) throws Exception {
    JsonObject reply = await(lead.request(address, body));
    assertThat(reply.getString("type")).isEqualTo("err");
    assertThat(reply.getInteger("failureCode")).isEqualTo(400);
    assertThat(reply.getString("message")).contains("'" + field + "'");
  }

  @Test
  @DisplayName("accepts ISO-8601 dates with or without a time and a zone, and scores with decimals")
  void acceptsIsoDatesAndDecimalScores() throws Exception {
    for (String date : new String[] {"2026-03-31", "2026-03-31T17:00:00Z", "2026-03-31T17:00:00.5+02:00", "2026-03-31T17:00"}) {
      assertThat(await(lead.call("actions.create", with(item(), "dueDate", date))).getString("dueDate")).isEqualTo(date);
    }
    JsonObject updated = await(lead.call("session.update", sessionUpdate(new JsonObject().put("engagementScore", 7.5))));
    assertThat(updated.getLong("version")).isPositive();
  }

  @Test
  @DisplayName("a session document with every field at its limit in three-byte characters is stored")
  void sessionDocumentAtItsLimits() throws Exception {
    // A CJK character is 3 bytes in UTF-8: each request fits in a frame, the document is 90 KB.
    String notes = "\u8b70".repeat(20_000);
    JsonArray topics = new JsonArray();
    for (int i = 0; i < 50; i++) {
      topics.add("\u8b70".repeat(200));
    }
    JsonObject first = await(lead.call("session.update", new JsonObject().put("sessionId", "full-session")
      .put("updates", new JsonObject().put("discussionNotes", notes))));
    JsonObject second = await(lead.call("session.update", new JsonObject().put("sessionId", "full-session")
      .put("updates", new JsonObject().put("topicsCovered", topics).put("engagementScore", 10))));
    assertThat(second.getLong("version")).isEqualTo(first.getLong("version") + 1);
    JsonObject stored = await(rest("lena", "team_leader").get("/api/sessions/full-session")).body().getJsonObject("document");
    assertThat(stored.getString("discussionNotes")).isEqualTo(notes);
    assertThat(stored.getJsonArray("topicsCovered")).isEqualTo(topics);
  }

  @Test
  @DisplayName("notification data over 16 KB is refused with 413")
  void refusesLargeData() throws Exception {
    JsonObject big = notification().put("data", new JsonObject().put("blob", "b".repeat(17 * 1024)));
    assertThat(await(lead.request("notify.send", big)).getInteger("failureCode")).isEqualTo(413);
  }

  static int failureCode(JsonObject frame) {
    return "err".equals(frame.getString("type")) ? frame.getInteger("failureCode") : 0;
  }

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
  @DisplayName("a status move the life cycle does not allow is refused with 409, an unknown item with 404")
  void statusMoves() throws Exception {
    JsonObject created = await(lead.call("actions.create", item()));
    String id = created.getString("id");
    assertThat(created.getString("status")).isEqualTo("open");
    assertThat(failureCode(await(lead.request("actions.update", new JsonObject().put("id", id).put("status", "done"))))).isEqualTo(409);
    assertThat(await(lead.call("actions.update", new JsonObject().put("id", id).put("status", "open"))).getString("status")).isEqualTo("open");
    assertThat(await(lead.call("actions.update", new JsonObject().put("id", id).put("status", "cancelled"))).getString("status")).isEqualTo("cancelled");
    assertThat(failureCode(await(lead.request("actions.update", new JsonObject().put("id", id).put("status", "in_progress"))))).isEqualTo(409);
    assertThat(failureCode(await(lead.request("actions.update", new JsonObject().put("id", "no-such-item").put("status", "done"))))).isEqualTo(404);
  }

  @Test
  @DisplayName("REST calls need a token (401), name real sessions (404) and valid page and status parameters (400)")
  void restRefusals() throws Exception {
    assertThat(await(rest(null, null).get("/api/agents/arun/notes")).status()).isEqualTo(401);
    assertThat(await(rest("lena", "team_leader").get("/api/sessions/nobody-here")).status()).isEqualTo(404);
    RestClient leadRest = rest("lena", "team_leader");
    for (String query : new String[] {"limit=0", "limit=101", "limit=ten", "offset=-1"}) {
      Answer answer = await(leadRest.get("/api/agents/arun/notes?" + query));
      assertThat(answer.status()).as(query).isEqualTo(400);
      assertThat(answer.body().getJsonObject("error").getString("message")).contains("'" + query.substring(0, query.indexOf('=')) + "'");
    }
    assertThat(await(leadRest.get("/api/agents/arun/action-items?status=finished")).status()).isEqualTo(400);
    assertThat(await(leadRest.patch("/api/action-items/x", new JsonObject().put("status", "nope"))).status()).isEqualTo(400);
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
