package dev.skillbus.coaching;

import static dev.skillbus.testing.Servers.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.testing.RestClient;
import dev.skillbus.testing.RestClient.Answer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every field rule of coaching, with its code: bad fields and parameters (400), values at their
 * limits, data too large (413), status moves the life cycle does not allow (409), and REST calls
 * without a token or for what does not exist.
 */
@DisplayName("Coaching requests that break a field rule")
class CoachingFieldRulesTest extends CoachingRulesFixture {

  static Stream<Arguments> badBodies() {
    String tooLong = "x".repeat(5001);
    return Stream.of(
      Arguments.of("notes.create", with(note(), "agentId", null), "agentId"),
      Arguments.of("notes.create", with(note(), "agentId", "not an id"), "agentId"),
      Arguments.of("notes.create", with(note(), "noteType", null), "noteType"),
      Arguments.of("notes.create", with(note(), "noteType", "coaching"), "noteType"),
      Arguments.of("notes.create", with(note(), "content", null), "content"),
      Arguments.of("notes.create", with(note(), "content", " "), "content"),
      Arguments.of("notes.create", with(note(), "content", "\u00a0\u200b\u3000"), "content"),
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
      Arguments.of("actions.create", with(item(), "dueDate", "2026-03-31T17:00:00+02:00[Europe/Paris]"), "dueDate"),
      Arguments.of("actions.create", with(item(), "dueDate", "2026-03-31T17:00:00Z[UTC]"), "dueDate"),
      Arguments.of("actions.create", with(item(), "dueDate", "+12026-03-31T17:00"), "dueDate"),
      Arguments.of("actions.create", with(item(), "dueDate", "2026-03-31T17:00:00+02:30:15"), "dueDate"),
      Arguments.of("actions.create", with(item(), "dueDate", "2026-03-31T17:00+02"), "dueDate"),
      Arguments.of("actions.create", with(item(), "dueDate", "2026-02-30t17:00:00.1234567890z"), "dueDate"),
      Arguments.of("actions.create", with(item(), "dueDate", "2026-03-31T17:00:00.Z"), "dueDate"),
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
      Arguments.of("session.update", sessionUpdate(new JsonObject().put("topicsCovered", new JsonArray().add("tone").add("   "))),
        "updates.topicsCovered"),
      Arguments.of("session.update", sessionUpdate(new JsonObject().put("topicsCovered", new JsonArray().add("\u00a0"))),
        "updates.topicsCovered"),
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
  @DisplayName("accepts ISO-8601 dates with or without a time and a zone, in every form RFC 3339 allows, and scores with decimals")
  void acceptsIsoDatesAndDecimalScores() throws Exception {
    for (String date : new String[] {"2026-03-31", "2026-03-31T17:00:00Z", "2026-03-31T17:00:00.5+02:00", "2026-03-31T17:00",
      "2026-03-31T17:00-05:00", "2026-03-31T17:00:59.123456789", "2026-03-31T17:00:00.1234567890Z", "2026-03-31t17:00:00z",
      "2026-03-31T17:00:00z"}) {
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
}
