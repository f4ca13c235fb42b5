package dev.skillbus.course;

import static dev.skillbus.testing.Servers.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.Skillbus;
import dev.skillbus.course.CourseClient.Rest;
import dev.skillbus.testing.LogCapture;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Courses from an OpenAI-compatible endpoint")
class OpenAiCourseTest {

  static final long TIMEOUT_MS = 500;
  static OpenAiNode env;
  static FakeOpenAi fake;
  static Skillbus node;

  @BeforeAll
  static void start() throws Exception {
    env = OpenAiNode.start("course-openai-test", 6221, new JsonObject().put("openai", new JsonObject()
      .put("model", "fake-model").put("apiKey", "test-key").put("timeoutMs", TIMEOUT_MS)));
    fake = env.fake();
    node = env.node();
  }

  @AfterAll
  static void stop() throws Exception {
    env.close();
  }

  /** Runs a job for {@code topic} to its end; the complete event's data. */
  static JsonObject generate(CourseClient client, String topic) throws Exception {
    String sessionId = client.generate(topic, null);
    client.join(sessionId, 0L, null);
    List<JsonObject> events = client.untilComplete(sessionId);
    return events.get(events.size() - 1).getJsonObject("data");
  }

  static List<JsonObject> updates(CourseClient client, JsonObject complete) {
    return CourseOverBridgeTest.data(client.seen(complete.getString("sessionId")), CourseClient.UPDATE);
  }

  @Test
  @DisplayName("a good stream becomes log and progress updates, and the answer the stored course")
  void goodStream() throws Exception {
    CourseClient client = CourseClient.connect(node, "olga", "learner");
    JsonObject complete = generate(client, "Photosynthesis");
    assertThat(complete.getBoolean("success")).isTrue();
    List<JsonObject> updates = updates(client, complete);
    assertThat(updates).extracting(u -> u.getString("message"))
      .contains("Writing: The model's course on Photosynthesis", "Writing: How Photosynthesis works",
        // A title as written, its JSON escapes read (quotes, a backslash, a tab, an accent).
        "Writing: Light and \"energy\" in C:\\leaves\tand caf\u00e9s", "The model is writing the course");
    assertThat(updates.stream().filter(u -> "progress".equals(u.getString("type")))
      .map(u -> u.getJsonObject("data").getInteger("percent")).toList()).containsExactly(25, 50, 75, 100);

    Rest course = client.rest(HttpMethod.GET, "/api/courses/" + complete.getString("courseId"), null);
    JsonObject expected = CourseShape.check(FakeOpenAi.course("Photosynthesis"));
    assertThat(course.body().getString("title")).isEqualTo(expected.getString("title"));
    assertThat(course.body().getJsonArray("modules")).isEqualTo(expected.getJsonArray("modules"));
    assertThat(course.body().getString("generator")).isEqualTo("openai");
    JsonObject sent = fake.requests().get(fake.requests().size() - 1);
    assertThat(sent.getString("path")).isEqualTo("/v1/chat/completions");
    assertThat(sent.getString("authorization")).isEqualTo("Bearer test-key");
    assertThat(sent.getJsonObject("body").getString("model")).isEqualTo("fake-model");
    assertThat(sent.getJsonObject("body").getBoolean("stream")).isTrue();
    client.close();
  }

  @Test
  @DisplayName("data: [DONE] completes the job even when the endpoint keeps the response open")
  void doneOnOpenResponse() throws Exception {
    CourseClient client = CourseClient.connect(node, "otto", "learner");
    JsonObject complete;
    try (LogCapture log = new LogCapture()) {
      complete = generate(client, "lingering lights");
      assertThat(client.status(complete.getString("sessionId")).getInteger("percent")).isEqualTo(100);
      // The node resets the response it no longer reads as the answer ends, turns before it stores
      // the course, publishes the complete event and answers the status read: that reset is no
      // failure to warn about.
      assertThat(log.warnings()).isEmpty();
    }
    assertThat(complete.getString("error")).isNull();
    assertThat(complete.getBoolean("success")).isTrue();
    client.close();
  }

  @Test
  @DisplayName("a job cancelled while the endpoint streams ends at once, and the node's reset of the stream is no failure")
  void cancelledWhileStreaming() throws Exception {
    CourseClient client = CourseClient.connect(node, "ulla", "learner");
    try (LogCapture log = new LogCapture()) {
      String sessionId = client.generate("trickling streams", null);
      client.join(sessionId, 0L, null);
      client.until(sessionId, e -> e.getJsonObject("data").getString("message", "").startsWith("The model is writing"));
      assertThat(CourseControlTest.cancel(client, sessionId).status()).isEqualTo(200);
      List<JsonObject> events = client.untilComplete(sessionId);
      assertThat(events.get(events.size() - 1).getJsonObject("data").getString("error")).isEqualTo("cancelled by User ulla");
      assertThat(log.warnings()).isEmpty();
    }
    client.close();
  }

  @Test
  @DisplayName("a stream that breaks off, stalls, or answers an error fails the job with what happened")
  void brokenStreams() throws Exception {
    CourseClient client = CourseClient.connect(node, "pia", "learner");
    JsonObject broken = generate(client, "broken pipes");
    assertThat(broken.getBoolean("success")).isFalse();
    assertThat(broken.getString("error")).startsWith("the stream broke off before the answer was complete");
    JsonObject silent = generate(client, "silent films");
    assertThat(silent.getString("error")).isEqualTo("no data from the endpoint for " + TIMEOUT_MS + " ms");
    JsonObject refused = generate(client, "unauthorized access");
    assertThat(refused.getString("error")).isEqualTo("the endpoint answered HTTP 401");
    // An error status whose body never ends fails with that status, without waiting for (or keeping) the body.
    JsonObject flooded = generate(client, "flooding rivers");
    assertThat(flooded.getString("error")).isEqualTo("the endpoint answered HTTP 500");
    JsonObject status = client.status(refused.getString("sessionId"));
    assertThat(status.getString("status")).isEqualTo("failed");
    assertThat(status.getString("error")).contains("401");
    // What the endpoint says in its stream stays in the node's log: watchers of the room read the error.
    JsonObject overloaded = generate(client, "overloaded servers");
    assertThat(overloaded.getString("error")).isEqualTo("the endpoint reported an error in its stream");
    JsonObject garbled = generate(client, "garbled radio");
    assertThat(garbled.getString("error")).isEqualTo("the stream sent an event that is not JSON");
    client.close();
  }

  @Test
  @DisplayName("an answer that is not a course fails the job and says what is wrong with it")
  void malformedAnswers() throws Exception {
    CourseClient client = CourseClient.connect(node, "quin", "learner");
    JsonObject incomplete = generate(client, "malformed data");
    assertThat(incomplete.getString("error")).isEqualTo("the model's answer is not a valid course: 'summary' must be non-empty text");
    JsonObject prose = generate(client, "prose poems");
    assertThat(prose.getString("error")).startsWith("the model's answer is not a JSON object: Sure!");
    List<JsonObject> updates = updates(client, prose);
    assertThat(updates.get(updates.size() - 1).getString("type")).isEqualTo("error");
    client.close();
  }

  /** Sends an AI request over the bridge; the reply frame. */
  static JsonObject ask(CourseClient client, String toolId, String message, String requestId) throws Exception {
    return await(client.bridge.request("ai.request", new JsonObject().put("toolId", toolId).put("message", message)
      .put("requestId", requestId).put("sessionId", "study-room")));
  }

  @Test
  @DisplayName("an AI request is accepted at once, then status_update events and one ai_response reach the caller")
  void aiRequests() throws Exception {
    CourseClient client = CourseClient.connect(node, "rae", "learner");
    long updatesCounted = CourseClient.eventsCounted(node, "status_update");
    long responsesCounted = CourseClient.eventsCounted(node, "ai_response");
    String inbox = "user.rae";
    client.bridge.register(inbox);
    JsonObject accepted = ask(client, "outline", "Photosynthesis", "r-1");
    assertThat(accepted.getJsonObject("body")).isEqualTo(new JsonObject().put("requestId", "r-1").put("accepted", true));
    JsonObject update = await(client.bridge.event(inbox, "status_update")).getJsonObject("data");
    assertThat(update.getString("requestId")).isEqualTo("r-1");
    assertThat(update.getString("status")).isEqualTo("processing");
    JsonObject outline = await(client.bridge.event(inbox, "ai_response"));
    assertThat(outline.getString("room")).isEqualTo("study-room");
    assertThat(outline.getJsonObject("data").getBoolean("success")).isTrue();
    assertThat(outline.getJsonObject("data").getString("toolId")).isEqualTo("outline");
    assertThat(outline.getJsonObject("data").getString("content")).startsWith("# Photosynthesis: a beginner's course")
      .contains("## Getting started with Photosynthesis");

    ask(client, "chat", "How do plants eat?", "r-2");
    JsonObject chat = await(client.bridge.event(inbox, "ai_response")).getJsonObject("data");
    assertThat(chat.getString("requestId")).isEqualTo("r-2");
    assertThat(chat.getString("content")).isEqualTo(FakeOpenAi.CHAT_ANSWER);
    ask(client, "chat", "unauthorized question", "r-3");
    JsonObject failed = await(client.bridge.event(inbox, "ai_response")).getJsonObject("data");
    assertThat(failed.getBoolean("success")).isFalse();
    assertThat(failed.getString("error")).isEqualTo("the endpoint answered HTTP 401");
    // The node's event counts (stats, metrics) hold them.
    assertThat(CourseClient.eventsCounted(node, "ai_response") - responsesCounted).isGreaterThanOrEqualTo(3);
    assertThat(CourseClient.eventsCounted(node, "status_update") - updatesCounted).isPositive();
    client.close();
  }

  @Test
  @DisplayName("an AI request for an unknown tool is 404, a malformed one 400, and neither runs anything")
  void refusedAiRequests() throws Exception {
    CourseClient client = CourseClient.connect(node, "sol", "learner");
    client.bridge.register("user.sol");
    int before = fake.requests().size();
    assertThat(ask(client, "oracle", "Will it rain?", "r-1").getInteger("failureCode")).isEqualTo(404);
    assertThat(ask(client, "chat", "", "r-2").getInteger("failureCode")).isEqualTo(400);
    assertThat(ask(client, "chat", "x".repeat(AiRequests.MAX_MESSAGE + 1), "r-3").getInteger("failureCode")).isEqualTo(400);
    assertThat(ask(client, "chat", "Hi", "no spaces allowed").getInteger("failureCode")).isEqualTo(400);
    JsonObject noRequestId = await(client.bridge.request("ai.request", new JsonObject().put("toolId", "chat").put("message", "Hi")));
    assertThat(noRequestId.getInteger("failureCode")).isEqualTo(400);
    assertThat(noRequestId.getString("message")).contains("requestId");
    for (String notATopic : new String[] {"t".repeat(201), "two\nlines", "two\u2028lines", "two\u2029paragraphs", "Knots\n",
      "\tKnots"}) {
      JsonObject refused = ask(client, "outline", notATopic, "r-5");
      assertThat(refused.getInteger("failureCode")).isEqualTo(400);
      assertThat(refused.getString("message")).contains("one line of at most 200 characters");
    }
    ask(client, "outline", "Tides", "r-4");
    assertThat(await(client.bridge.event("user.sol", "ai_response")).getJsonObject("data").getString("requestId"))
      .as("the first answer is the one request that was accepted").isEqualTo("r-4");
    assertThat(fake.requests()).hasSize(before);
    client.close();
  }
}
