package dev.skillbus.course;

import static dev.skillbus.testing.Servers.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.Skillbus;
import dev.skillbus.course.CourseClient.Rest;
import dev.skillbus.testing.Servers;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Courses from an OpenAI-compatible endpoint")
class OpenAiCourseTest {

  static final long TIMEOUT_MS = 500;
  static Vertx vertx;
  static FakeOpenAi fake;
  static Skillbus node;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    fake = new FakeOpenAi();
    int port = await(fake.start(vertx));
    JsonObject config = Servers.config("course-openai-test", 6221, 6221, 6221);
    config.put("course", new JsonObject().put("generator", "openai").put("openai", new JsonObject()
      .put("baseUrl", "http://127.0.0.1:" + port + "/v1/").put("model", "fake-model").put("apiKey", "test-key")
      .put("timeoutMs", TIMEOUT_MS)));
    node = Servers.start(config);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close().await(30, TimeUnit.SECONDS);
    fake.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
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
        "Writing: Light and \"energy\"", "The model is writing the course");
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
  @DisplayName("a stream that breaks off, stalls, or answers an error fails the job with what happened")
  void brokenStreams() throws Exception {
    CourseClient client = CourseClient.connect(node, "pia", "learner");
    JsonObject broken = generate(client, "broken pipes");
    assertThat(broken.getBoolean("success")).isFalse();
    assertThat(broken.getString("error")).startsWith("the stream broke off before the answer was complete");
    JsonObject silent = generate(client, "silent films");
    assertThat(silent.getString("error")).isEqualTo("no data from the endpoint for " + TIMEOUT_MS + " ms");
    JsonObject refused = generate(client, "unauthorized access");
    assertThat(refused.getString("error")).isEqualTo("the endpoint answered HTTP 401: Incorrect API key provided");
    JsonObject status = client.status(refused.getString("sessionId"));
    assertThat(status.getString("status")).isEqualTo("failed");
    assertThat(status.getString("error")).contains("401");
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
}
