package dev.skillbus.course;

import static dev.skillbus.course.CourseClient.COMPLETE;
import static dev.skillbus.course.CourseClient.UPDATE;
import static dev.skillbus.testing.Servers.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.Skillbus;
import dev.skillbus.course.CourseClient.Rest;
import dev.skillbus.testing.Servers;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("Course generation over HTTP and the bridge")
class CourseOverBridgeTest {

  static Skillbus node;

  @BeforeAll
  static void start() throws Exception {
    JsonObject config = Servers.config("course-bridge-test", 6201, 6201, 6201);
    // Slow enough that a client closing and reconnecting after the first progress event is back
    // before the job's seven steps ended (reconnectMidStream), on a busy machine too.
    config.put("course", new JsonObject().put("template", new JsonObject().put("paceMs", 400)));
    node = Servers.start(config);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close().await(30, TimeUnit.SECONDS);
  }

  static List<JsonObject> data(List<JsonObject> events, String event) {
    return events.stream().filter(e -> event.equals(e.getString("event"))).map(e -> e.getJsonObject("data")).toList();
  }

  @Test
  @DisplayName("a POST answers 202 at once; a browser that joins afterwards gets every update, the course and its status")
  void lateJoinerGetsEverything() throws Exception {
    CourseClient ada = CourseClient.connect(node, "ada", "learner");
    long updatesCounted = CourseClient.eventsCounted(node, UPDATE);
    long completesCounted = CourseClient.eventsCounted(node, "course_generation_complete");
    long statusesCounted = CourseClient.eventsCounted(node, "session_status");
    Rest started = ada.rest(HttpMethod.POST, "/api/courses/generate", new JsonObject()
      .put("topic", "Photosynthesis").put("level", "intermediate").put("webSearch", true));
    assertThat(started.status()).isEqualTo(202);
    assertThat(started.body().getBoolean("success")).isTrue();
    assertThat(started.body().getString("message")).isNotBlank();
    String sessionId = started.body().getString("sessionId");

    ada.join(sessionId, 0L, null);
    JsonObject greeting = ada.sessionStatus(sessionId);
    assertThat(greeting.getString("sessionId")).isEqualTo(sessionId);
    assertThat(greeting.getString("topic")).isEqualTo("Photosynthesis");
    List<JsonObject> events = ada.untilComplete(sessionId);

    List<JsonObject> updates = data(events, UPDATE);
    assertThat(updates).allSatisfy(u -> {
      assertThat(u.getString("type")).isIn("log", "progress", "success", "error", "course_generated");
      assertThat(u.getString("message")).isNotBlank();
      assertThat(u.getString("timestamp")).isNotBlank();
    });
    List<JsonObject> progress = updates.stream().filter(u -> "progress".equals(u.getString("type")))
      .map(u -> u.getJsonObject("data")).toList();
    assertThat(progress).extracting(p -> p.getInteger("step")).isSorted().contains(1);
    assertThat(progress.get(progress.size() - 1).getInteger("percent")).isEqualTo(100);
    assertThat(progress).allSatisfy(p -> assertThat(p.getInteger("totalSteps")).isEqualTo(progress.size()));
    assertThat(updates).extracting(u -> u.getString("type")).endsWith("success", "course_generated");
    JsonObject complete = events.get(events.size() - 1).getJsonObject("data");
    assertThat(complete.getBoolean("success")).isTrue();
    assertThat(complete.getString("sessionId")).isEqualTo(sessionId);
    String courseId = complete.getString("courseId");
    // The node's event counts (stats, metrics) hold the job's events.
    assertThat(CourseClient.eventsCounted(node, UPDATE) - updatesCounted).isGreaterThanOrEqualTo(updates.size());
    assertThat(CourseClient.eventsCounted(node, "course_generation_complete") - completesCounted).isPositive();
    assertThat(CourseClient.eventsCounted(node, "session_status") - statusesCounted).isPositive();
    assertThat(updates.get(updates.size() - 1).getJsonObject("data").getString("courseId")).isEqualTo(courseId);

    Rest course = ada.rest(HttpMethod.GET, "/api/courses/" + courseId, null);
    assertThat(course.status()).isEqualTo(200);
    assertThat(course.body().getString("title")).contains("Photosynthesis");
    assertThat(course.body().getJsonArray("modules")).hasSize(4);
    assertThat(course.body().getString("level")).isEqualTo("intermediate");

    Rest status = ada.rest(HttpMethod.GET, "/api/courses/sessions/" + sessionId, null);
    assertThat(status.status()).isEqualTo(200);
    assertThat(status.body().getString("status")).isEqualTo("completed");
    assertThat(status.body().getInteger("percent")).isEqualTo(100);
    assertThat(status.body().getString("owner")).isEqualTo("ada");
    assertThat(status.body().getString("node")).isEqualTo(node.node().nodeId());
    assertThat(status.body().getString("startedAt")).isNotBlank();
    assertThat(status.body().getString("finishedAt")).isNotBlank();
    assertThat(status.body().getString("courseId")).isEqualTo(courseId);

    CourseClient other = CourseClient.connect(node, "bea", "learner");
    other.join(sessionId, null, null);
    assertThat(other.sessionStatus(sessionId).getString("status")).as("each joiner is told").isEqualTo("completed");
    ada.close();
    other.close();
  }

  @Test
  @DisplayName("a browser that reconnects mid-stream and joins with since gets exactly the updates it missed, none twice")
  void reconnectMidStream() throws Exception {
    CourseClient first = CourseClient.connect(node, "cy", "learner");
    String sessionId = first.generate("Distributed systems", "advanced");
    JsonObject joined = first.join(sessionId, 0L, null);
    first.until(sessionId, e -> UPDATE.equals(e.getString("event"))
      && "progress".equals(e.getJsonObject("data").getString("type")));
    List<JsonObject> before = first.seen(sessionId);
    long lastSeq = first.lastSeq(sessionId);
    first.close();

    CourseClient again = CourseClient.connect(node, "cy", "learner");
    JsonObject rejoin = again.join(sessionId, lastSeq, joined.getString("epoch"));
    assertThat(rejoin.getBoolean("recovered")).isTrue();
    JsonArray missed = rejoin.getJsonArray("missed");
    assertThat(missed.stream().map(e -> ((JsonObject) e).getLong("seq")).toList())
      .containsExactlyElementsOf(IntStream.rangeClosed(1, missed.size()).mapToObj(i -> lastSeq + i).toList());
    assertThat(missed.stream().map(e -> ((JsonObject) e).getString("event"))).as("still running on return")
      .doesNotContain(COMPLETE);
    List<JsonObject> after = again.untilComplete(sessionId);

    JsonObject history = await(again.bridge.call("session.history", new JsonObject().put("sessionId", sessionId).put("since", 0)));
    List<JsonObject> stored = history.getJsonArray("events").stream().map(e -> (JsonObject) e)
      .filter(e -> UPDATE.equals(e.getString("event")) || COMPLETE.equals(e.getString("event"))).toList();
    List<JsonObject> received = new java.util.ArrayList<>(before);
    received.addAll(after);
    assertThat(received).extracting(e -> e.getLong("seq")).doesNotHaveDuplicates();
    assertThat(received).extracting(e -> e.getLong("seq")).containsExactlyElementsOf(stored.stream().map(e -> e.getLong("seq")).toList());
    assertThat(after.get(after.size() - 1).getJsonObject("data").getBoolean("success")).isTrue();
    again.close();
  }

  @Test
  @DisplayName("course.status answers while the job runs, and every joiner of the room gets session_status")
  void statusWhileRunning() throws Exception {
    CourseClient dan = CourseClient.connect(node, "dan", "learner");
    String sessionId = dan.generate("Baking bread", null);
    JsonObject status = dan.status(sessionId);
    assertThat(status.getString("status")).isEqualTo("running");
    assertThat(status.getString("level")).isEqualTo("beginner");
    assertThat(status.getString("ownerName")).isEqualTo("User dan");

    CourseClient watcher = CourseClient.connect(node, "eve", "instructor");
    watcher.join(sessionId, null, null);
    JsonObject greeting = watcher.sessionStatus(sessionId);
    assertThat(greeting.getString("status")).isIn("running", "completed");
    assertThat(greeting.getInteger("percent")).isBetween(0, 100);
    dan.join(sessionId, 0L, null);
    assertThat(dan.untilComplete(sessionId)).isNotEmpty();
    dan.close();
    watcher.close();
  }

  static Stream<Arguments> refusals() {
    String generate = "course.generate";
    JsonObject topic = new JsonObject().put("topic", "Algebra");
    return Stream.of(
      refused("a generate without a topic", generate, new JsonObject(), 400, "'topic' is required"),
      refused("a generate with a blank topic", generate, new JsonObject().put("topic", "   "), 400, "'topic' is required"),
      refused("a generate with a topic over 200 characters", generate, new JsonObject().put("topic", "t".repeat(201)), 400,
        "at most 200 characters"),
      refused("a generate with a topic that is a number", generate, new JsonObject().put("topic", 42), 400, "'topic' must be a string"),
      refused("a generate with a topic of two lines", generate, new JsonObject().put("topic", "a\nb"), 400, "one line"),
      refused("a generate with an unknown level", generate, topic.copy().put("level", "expert"), 400,
        "'level' must be one of beginner, intermediate, advanced"),
      refused("a generate with webSearch as a string", generate, topic.copy().put("webSearch", "yes"), 400, "'webSearch'"),
      refused("a status without a sessionId", "course.status", new JsonObject(), 400, "'sessionId' is required"),
      refused("a status of a malformed sessionId", "course.status", new JsonObject().put("sessionId", "a b"), 400, "'sessionId'"),
      refused("a status of an unknown session", "course.status", new JsonObject().put("sessionId", "course_1_none"), 404,
        "no course session"),
      refused("a cancel without a sessionId", "course.cancel", new JsonObject(), 400, "'sessionId' is required"),
      refused("a cancel of an unknown session", "course.cancel", new JsonObject().put("sessionId", "nothing-here"), 404,
        "no course session"));
  }

  static Arguments refused(String what, String address, JsonObject body, int code, String message) {
    return Arguments.of(what, address, body, code, message);
  }

  @ParameterizedTest(name = "{0} is refused with {3}")
  @MethodSource("refusals")
  @DisplayName("bad requests are refused with their code and a message naming what is wrong, and start nothing")
  void refusedRequests(String what, String address, JsonObject body, int code, String message) throws Exception {
    CourseClient client = CourseClient.connect(node, "val", "learner");
    JsonObject reply = await(client.bridge.request(address, body));
    assertThat(reply.getString("type")).isEqualTo("err");
    assertThat(reply.getInteger("failureCode")).isEqualTo(code);
    assertThat(reply.getString("message")).contains(message);
    assertThat(node.node().hazelcast().getMap(JobRegistry.USER_JOBS).containsKey("val")).isFalse();
    client.close();
  }

  @Test
  @DisplayName("the REST API needs a token (401), and answers 404 for an unknown course or session, 400 for a bad id")
  void restRefusals() throws Exception {
    Rest anonymous = CourseClient.rest(node, HttpMethod.POST, "/api/courses/generate", null, new JsonObject().put("topic", "x"));
    assertThat(anonymous.status()).isEqualTo(401);
    CourseClient client = CourseClient.connect(node, "wes", "learner");
    assertThat(client.rest(HttpMethod.GET, "/api/courses/no-such-course", null).status()).isEqualTo(404);
    assertThat(client.rest(HttpMethod.GET, "/api/courses/sessions/course_1_none", null).status()).isEqualTo(404);
    assertThat(client.rest(HttpMethod.POST, "/api/courses/sessions/course_1_none/cancel", null).status()).isEqualTo(404);
    Rest badLevel = client.rest(HttpMethod.POST, "/api/courses/generate", new JsonObject().put("topic", "x").put("level", "guru"));
    assertThat(badLevel.status()).isEqualTo(400);
    assertThat(badLevel.body().getJsonObject("error").getString("message")).contains("'level'");
    assertThat(client.rest(HttpMethod.GET, "/api/courses/" + "x".repeat(129), null).status()).isEqualTo(400);
    client.close();
  }
}
