package dev.skillbus.course;

import static dev.skillbus.testing.Servers.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.map.IMap;
import dev.skillbus.Skillbus;
import dev.skillbus.course.CourseClient.Rest;
import dev.skillbus.testing.Eventually;
import dev.skillbus.protocol.Address;
import dev.skillbus.testing.Servers;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Jobs here are slow (a step a second) and limited (3 s, 2 per user, 4 per node, gone 4 s after their end). */
@DisplayName("Controlling course jobs")
class CourseControlTest {

  static final int TIME_LIMIT_SECONDS = 3;
  static final int TTL_SECONDS = 4;
  static Skillbus node;

  @BeforeAll
  static void start() throws Exception {
    JsonObject config = Servers.config("course-control-test", 6211, 6211, 6211);
    config.put("course", new JsonObject().put("template", new JsonObject().put("paceMs", 1000))
      .put("timeLimitSeconds", TIME_LIMIT_SECONDS).put("maxJobsPerUser", 2).put("maxJobsPerNode", 4)
      .put("sessionTtlSeconds", TTL_SECONDS).put("sweepIntervalSeconds", 1));
    node = Servers.start(config);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close().await(30, TimeUnit.SECONDS);
  }

  /** Each test starts on a node that runs no job, whatever the test before it left running. */
  @BeforeEach
  void noJobRunning() throws Exception {
    await(Eventually.holds(node.node().vertx(), 50, 10_000, () -> Future.succeededFuture(
      node.node().hazelcast().getMap(JobRegistry.NODE_JOBS).isEmpty())));
  }

  static Rest cancel(CourseClient client, String sessionId) throws Exception {
    return client.rest(HttpMethod.POST, "/api/courses/sessions/" + sessionId + "/cancel", null);
  }

  static JsonObject complete(CourseClient client, String sessionId) throws Exception {
    List<JsonObject> events = client.untilComplete(sessionId);
    return events.get(events.size() - 1).getJsonObject("data");
  }

  @Test
  @DisplayName("the owner cancels a job: it stops within a second, status cancelled, complete with success false")
  void ownerCancels() throws Exception {
    CourseClient owner = CourseClient.connect(node, "fay", "learner");
    String sessionId = owner.generate("Chess openings", null);
    owner.join(sessionId, 0L, null);
    long asked = System.nanoTime();
    Rest cancelled = cancel(owner, sessionId);
    JsonObject complete = complete(owner, sessionId);
    assertThat((System.nanoTime() - asked) / 1_000_000).isLessThan(1000);
    assertThat(cancelled.status()).isEqualTo(200);
    assertThat(cancelled.body()).isEqualTo(new JsonObject().put("sessionId", sessionId).put("status", "cancelled"));
    assertThat(complete.getBoolean("success")).isFalse();
    assertThat(complete.getString("error")).isEqualTo("cancelled by User fay");
    assertThat(complete.containsKey("courseId")).isFalse();
    JsonObject status = owner.status(sessionId);
    assertThat(status.getString("status")).isEqualTo("cancelled");
    assertThat(status.getString("finishedAt")).isNotBlank();
    assertThat(cancel(owner, sessionId).body().getString("status")).as("cancelling again answers the same").isEqualTo("cancelled");
    owner.close();
  }

  @Test
  @DisplayName("nobody but the owner or an admin cancels a job (403), an unknown session is 404, an ended one 409")
  void whoMayCancel() throws Exception {
    CourseClient owner = CourseClient.connect(node, "gus", "learner");
    CourseClient stranger = CourseClient.connect(node, "hal", "instructor");
    CourseClient admin = CourseClient.connect(node, "ivy", "admin");
    String sessionId = owner.generate("Knitting", null);
    JsonObject refused = await(stranger.bridge.request("course.cancel", new JsonObject().put("sessionId", sessionId)));
    assertThat(refused.getInteger("failureCode")).isEqualTo(403);
    assertThat(cancel(stranger, sessionId).status()).isEqualTo(403);
    assertThat(cancel(stranger, "course_0_unknown").status()).isEqualTo(404);
    JsonObject status = owner.status(sessionId);
    assertThat(status.getString("status")).as("a refused cancel changes nothing").isEqualTo("running");
    assertThat(await(admin.bridge.call("course.cancel", new JsonObject().put("sessionId", sessionId))).getString("status"))
      .isEqualTo("cancelled");
    owner.close();
    stranger.close();
    admin.close();
  }

  @Test
  @DisplayName("a job past its time limit fails: status failed, complete with the error")
  void timeLimit() throws Exception {
    CourseClient owner = CourseClient.connect(node, "jo", "learner");
    String sessionId = owner.generate("Quantum field theory", "advanced");
    owner.join(sessionId, 0L, null);
    JsonObject complete = complete(owner, sessionId);
    assertThat(complete.getBoolean("success")).isFalse();
    assertThat(complete.getString("error")).contains("time limit of " + TIME_LIMIT_SECONDS + " s");
    List<JsonObject> updates = CourseOverBridgeTest.data(owner.seen(sessionId), CourseClient.UPDATE);
    assertThat(updates.get(updates.size() - 1).getString("type")).isEqualTo("error");
    JsonObject status = owner.status(sessionId);
    assertThat(status.getString("status")).isEqualTo("failed");
    assertThat(status.getString("error")).contains("time limit");
    Rest late = cancel(owner, sessionId);
    assertThat(late.status()).as("an ended job cannot be cancelled").isEqualTo(409);
    owner.close();
  }

  @Test
  @DisplayName("a user at the limit whose counted jobs ended without giving back their place gets those places back")
  void placesOfEndedJobsGivenBack() throws Exception {
    CourseClient nia = CourseClient.connect(node, "nia", "learner");
    String first = nia.generate("Knots", null);
    String second = nia.generate("Sails", null);
    assertThat(cancel(nia, first).status()).isEqualTo(200);
    assertThat(cancel(nia, second).status()).isEqualTo(200);
    // As a merged cluster leaves them: both ended, both still counted.
    String nodeId = dev.skillbus.cluster.Nodes.localId(node.node().hazelcast());
    IMap<String, HashMap<String, String>> userJobs = node.node().hazelcast().getMap(JobRegistry.USER_JOBS);
    userJobs.put("nia", new HashMap<>(Map.of(first, nodeId, second, nodeId)));
    String third = nia.generate("Knots again", null);
    assertThat(third).startsWith("course_");
    assertThat(userJobs.get("nia")).containsOnlyKeys(third);
    cancel(nia, third);

    // Counted without a status: one admitted long ago never got one and is given back; one admitted
    // just now may be getting its status and still counts.
    String old = Address.COURSE_SESSION_PREFIX + (System.currentTimeMillis() - 2 * CourseRequests.STATUS_GRACE_MS) + "_1";
    String recent = Address.COURSE_SESSION_PREFIX + System.currentTimeMillis() + "_2";
    userJobs.put("nia", new HashMap<>(Map.of(old, nodeId, recent, nodeId)));
    String fourth = nia.generate("Ropes", null);
    assertThat(userJobs.get("nia")).containsOnlyKeys(recent, fourth);
    JsonObject over = await(nia.bridge.request("course.generate", new JsonObject().put("topic", "Nets")));
    assertThat(over.getInteger("failureCode")).isEqualTo(429);
    cancel(nia, fourth);

    // A job of another node whose status is not found here is not taken for ended: without Redis,
    // that node keeps its statuses in its own memory.
    String elsewhere = Address.COURSE_SESSION_PREFIX + (System.currentTimeMillis() - 2 * CourseRequests.STATUS_GRACE_MS) + "_3";
    userJobs.put("nia", new HashMap<>(Map.of(old, nodeId, elsewhere, "another-node")));
    String fifth = nia.generate("Hooks", null);
    assertThat(userJobs.get("nia")).containsOnlyKeys(elsewhere, fifth);
    cancel(nia, fifth);
    userJobs.remove("nia");
    nia.close();
  }

  @Test
  @DisplayName("a user runs at most 2 jobs at once and the node at most 4: more answer 429, nothing started")
  void limits() throws Exception {
    CourseClient kim = CourseClient.connect(node, "kim", "learner");
    CourseClient lou = CourseClient.connect(node, "lou", "learner");
    CourseClient max = CourseClient.connect(node, "max", "learner");
    String first = kim.generate("Rust", null);
    String second = kim.generate("Go", null);
    JsonObject overUser = await(kim.bridge.request("course.generate", new JsonObject().put("topic", "Zig")));
    assertThat(overUser.getInteger("failureCode")).isEqualTo(429);
    assertThat(overUser.getString("message")).contains("2 generation jobs");
    String third = lou.generate("Haskell", null);
    String fourth = lou.generate("OCaml", null);
    Rest overNode = max.rest(HttpMethod.POST, "/api/courses/generate", new JsonObject().put("topic", "Lisp"));
    assertThat(overNode.status()).isEqualTo(429);
    assertThat(overNode.body().getJsonObject("error").getString("message")).contains("this node");
    assertThat(node.node().hazelcast().getMap(JobRegistry.USER_JOBS).containsKey("max")).isFalse();

    assertThat(cancel(kim, first).status()).isEqualTo(200);
    String again = kim.generate("Zig", null);
    assertThat(again).as("a place is free again").startsWith("course_");
    for (String sessionId : List.of(second, again)) {
      cancel(kim, sessionId);
    }
    cancel(lou, third);
    cancel(lou, fourth);
    kim.close();
    lou.close();
    max.close();
  }

  @Test
  @DisplayName("a job whose status disappears ends as failed, with its complete event, and frees its owner's place")
  void lostStatus() throws Exception {
    CourseClient owner = CourseClient.connect(node, "ola", "learner");
    String sessionId = owner.generate("Beekeeping", null);
    owner.join(sessionId, 0L, null);
    assertThat(await(node.stores().documents().delete(CourseStore.STATUS_KIND, sessionId))).isTrue();
    JsonObject complete = complete(owner, sessionId);
    assertThat(complete.getBoolean("success")).isFalse();
    assertThat(complete.getString("error")).isEqualTo(JobEnder.LOST);
    assertThat(owner.status(sessionId).getString("status")).isEqualTo("failed");
    assertThat(node.node().hazelcast().getMap(JobRegistry.USER_JOBS).containsKey("ola")).isFalse();
    assertThat(node.node().hazelcast().getMap(JobRegistry.NODE_JOBS).values().toString()).doesNotContain(sessionId);
    owner.close();
  }

  @Test
  @DisplayName("a session's status and history are gone once its time to live passed after its end")
  void expiry() throws Exception {
    CourseClient owner = CourseClient.connect(node, "ned", "learner");
    String sessionId = owner.generate("Origami", null);
    owner.join(sessionId, 0L, null);
    cancel(owner, sessionId);
    owner.untilComplete(sessionId);
    assertThat(owner.rest(HttpMethod.GET, "/api/courses/sessions/" + sessionId, null).status()).isEqualTo(200);
    await(Eventually.holds(node.node().vertx(), 100, 10_000, () -> node.stores().history().since(sessionId, 0, null)
      .map(slice -> slice.seq() == 0)));
    assertThat(owner.rest(HttpMethod.GET, "/api/courses/sessions/" + sessionId, null).status()).isEqualTo(404);
    owner.close();
  }
}
