package dev.skillbus.course;

import static dev.skillbus.testing.Servers.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.Skillbus;
import dev.skillbus.testing.LogCapture;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * AI requests to an endpoint that never finishes its answer: an idle timeout of 500 ms, a time
 * limit of 3 s, 3 requests per user and 4 per node, 4 course jobs per node.
 */
@DisplayName("AI requests that get no answer")
class AiLimitsTest {

  static final long IDLE_MS = 500;
  static final int TIME_LIMIT_SECONDS = 3;
  static final int PER_NODE = 4;
  static OpenAiNode env;
  static Skillbus node;

  @BeforeAll
  static void start() throws Exception {
    env = OpenAiNode.start("ai-limits-test", 6226, new JsonObject().put("maxJobsPerNode", PER_NODE)
      .put("openai", new JsonObject().put("timeoutMs", IDLE_MS))
      .put("ai", new JsonObject().put("maxConcurrentPerUser", 3).put("maxConcurrentPerNode", PER_NODE)
        .put("timeLimitSeconds", TIME_LIMIT_SECONDS)));
    node = env.node();
  }

  @AfterAll
  static void stop() throws Exception {
    env.close();
  }

  static CourseClient user(String userId) throws Exception {
    CourseClient client = CourseClient.connect(node, userId, "learner");
    await(client.bridge.registered("user." + userId));
    return client;
  }

  /** Asks and expects the request accepted. */
  static void ask(CourseClient client, String toolId, String message, String requestId) throws Exception {
    JsonObject reply = OpenAiCourseTest.ask(client, toolId, message, requestId);
    assertThat(reply.getJsonObject("body")).as("%s accepted", requestId).isNotNull();
  }

  static Future<JsonObject> response(CourseClient client, String requestId) {
    return event(client, "ai_response", requestId, data -> true);
  }

  static Future<JsonObject> statusUpdate(CourseClient client, String requestId, String field, String value) {
    return event(client, "status_update", requestId, data -> value.equals(data.getString(field)));
  }

  /** The next {@code event} of the request whose data matches; its data. */
  static Future<JsonObject> event(CourseClient client, String event, String requestId, Predicate<JsonObject> match) {
    String inbox = "user." + client.userId;
    return client.bridge.next(f -> "rec".equals(f.getString("type")) && inbox.equals(f.getString("address"))
        && f.getValue("body") instanceof JsonObject b && event.equals(b.getString("event"))
        && requestId.equals(b.getJsonObject("data").getString("requestId")) && match.test(b.getJsonObject("data")))
      .map(b -> b.getJsonObject("body").getJsonObject("data"));
  }

  @Test
  @DisplayName("a chat whose endpoint sends only comments fails after the idle timeout: comments are not data")
  void commentsAreNotData() throws Exception {
    CourseClient pam = user("pam");
    ask(pam, "chat", "pinging question", "p-1");
    JsonObject failed = await(response(pam, "p-1"));
    assertThat(failed.getBoolean("success")).isFalse();
    assertThat(failed.getString("error")).isEqualTo("no data from the endpoint for " + IDLE_MS + " ms");
    pam.close();
  }

  @Test
  @DisplayName("a chat that never ends fails at its time limit, with a failed status_update and ai_response, and frees its place")
  void timeLimit() throws Exception {
    CourseClient tia = user("tia");
    try (LogCapture log = new LogCapture()) {
      for (String id : List.of("t-1", "t-2", "t-3")) {
        ask(tia, "chat", "trickling question", id);
      }
      JsonObject refused = OpenAiCourseTest.ask(tia, "outline", "Tides", "t-4");
      assertThat(refused.getInteger("failureCode")).isEqualTo(429);
      String error = "the AI request took longer than its time limit of " + TIME_LIMIT_SECONDS + " s";
      for (String id : List.of("t-1", "t-2", "t-3")) {
        JsonObject response = await(response(tia, id));
        assertThat(response.getBoolean("success")).isFalse();
        assertThat(response.getString("error")).isEqualTo(error);
        assertThat(await(statusUpdate(tia, id, "status", "failed")).getString("message")).isEqualTo(error);
      }
      // The node resets the endpoint's response as the limit stops the chat, before it answers: its
      // own reset is no failure of the endpoint to warn about.
      assertThat(log.warnings()).isEmpty();
    }
    ask(tia, "outline", "Tides", "t-5");
    assertThat(await(response(tia, "t-5")).getBoolean("success")).isTrue();
    tia.close();
  }

  @Test
  @DisplayName("a node runs at most 4 AI requests (429 above), and chats never hold the connections course jobs need")
  void chatsDoNotStarveCourses() throws Exception {
    List<CourseClient> chatters = List.of(user("abe"), user("bea"));
    List<Future<JsonObject>> answering = new ArrayList<>();
    for (CourseClient chatter : chatters) {
      for (String id : List.of("c-1", "c-2")) {
        answering.add(statusUpdate(chatter, id, "message", "The model is answering"));
        ask(chatter, "chat", "trickling question", id);
      }
    }
    await(Future.all(answering));
    CourseClient cid = user("cid");
    JsonObject refused = OpenAiCourseTest.ask(cid, "chat", "trickling question", "c-5");
    assertThat(refused.getInteger("failureCode")).isEqualTo(429);
    assertThat(refused.getString("message")).contains("this node runs its limit of " + PER_NODE + " AI requests");
    JsonObject complete = OpenAiCourseTest.generate(cid, "Photosynthesis");
    assertThat(complete.getString("error")).isNull();
    assertThat(complete.getBoolean("success")).isTrue();
    for (CourseClient chatter : chatters) {
      await(Future.all(response(chatter, "c-1"), response(chatter, "c-2")));
      chatter.close();
    }
    cid.close();
  }
}
