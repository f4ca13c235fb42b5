package dev.skillbus.course;

import static dev.skillbus.testing.Servers.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.map.IMap;
import dev.skillbus.Skillbus;
import dev.skillbus.course.CourseClient.Rest;
import dev.skillbus.testing.Eventually;
import dev.skillbus.testing.Servers;
import dev.skillbus.testing.TestRedis;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two nodes on one Redis; jobs take a step a second, so they are running when the tests act. */
@DisplayName("Course jobs in a two-node cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CourseFailoverTest {

  @RegisterExtension
  static final TestRedis REDIS = new TestRedis(6290);
  static final List<Skillbus> NODES = new ArrayList<>();

  static JsonObject config(int port) {
    return Servers.config("course-failover-test", port, 6231, 6232)
      .put("store", REDIS.storeConfig("course-failover:"))
      .put("course", new JsonObject().put("template", new JsonObject().put("paceMs", 1000)).put("maxJobsPerUser", 2)
        .put("sweepIntervalSeconds", 1));
  }

  @BeforeAll
  static void start() throws Exception {
    NODES.add(Servers.start(config(6231)));
    NODES.add(Servers.start(config(6232)));
  }

  @AfterAll
  static void stop() throws Exception {
    for (Skillbus node : NODES) {
      node.close().await(30, TimeUnit.SECONDS);
    }
  }

  static String memberId(Skillbus node) {
    return node.node().nodeId();
  }

  /** The node that runs the session's job, by the status's {@code node}. */
  static Skillbus runner(JsonObject status) {
    return NODES.stream().filter(n -> memberId(n).equals(status.getString("node"))).findFirst().orElseThrow();
  }

  static Skillbus other(Skillbus node) {
    return NODES.get(0) == node ? NODES.get(1) : NODES.get(0);
  }

  @Test
  @Order(1)
  @DisplayName("a cancel sent to either node stops the job where it runs, and the per-user limit holds cluster-wide")
  void cancelAcrossNodes() throws Exception {
    CourseClient onFirst = CourseClient.connect(NODES.get(0), "xia", "learner");
    String first = onFirst.generate("Statistics", null);
    String second = onFirst.generate("Probability", null);
    CourseClient onSecond = CourseClient.connect(NODES.get(1), "xia", "learner");
    JsonObject third = await(onSecond.bridge.request("course.generate", new JsonObject().put("topic", "Calculus")));
    assertThat(third.getInteger("failureCode")).isEqualTo(429);

    for (String sessionId : List.of(first, second)) {
      Skillbus elsewhere = other(runner(onFirst.status(sessionId)));
      CourseClient caller = CourseClient.connect(elsewhere, "xia", "learner");
      caller.join(sessionId, 0L, null);
      Rest cancelled = caller.rest(HttpMethod.POST, "/api/courses/sessions/" + sessionId + "/cancel", null);
      assertThat(cancelled.body().getString("status")).isEqualTo("cancelled");
      List<JsonObject> events = caller.untilComplete(sessionId);
      assertThat(events.get(events.size() - 1).getJsonObject("data").getString("error")).isEqualTo("cancelled by User xia");
      caller.close();
    }
    onFirst.close();
    onSecond.close();
  }

  @Test
  @Order(2)
  @DisplayName("when the node running a job dies, a survivor fails the job and sends the complete event")
  void nodeDiesMidJob() throws Exception {
    CourseClient starter = CourseClient.connect(NODES.get(0), "yan", "learner");
    JsonObject body = new JsonObject().put("topic", "Volcanoes").put("level", "advanced");
    String sessionId = starter.rest(HttpMethod.POST, "/api/courses/generate", body).body().getString("sessionId");
    Skillbus victim = runner(starter.status(sessionId));
    Skillbus survivor = other(victim);
    CourseClient watcher = CourseClient.connect(survivor, "zoe", "instructor");
    watcher.join(sessionId, 0L, null);
    watcher.until(sessionId, e -> "progress".equals(e.getJsonObject("data").getString("type")));

    Servers.awaitClusterSafe(survivor);
    long killedAt = System.nanoTime();
    victim.node().hazelcast().getLifecycleService().terminate();
    NODES.remove(victim);
    List<JsonObject> events = watcher.untilComplete(sessionId);
    assertThat((System.nanoTime() - killedAt) / 1_000_000).isLessThan(10_000);
    JsonObject complete = events.get(events.size() - 1).getJsonObject("data");
    assertThat(complete.getBoolean("success")).isFalse();
    assertThat(complete.getString("error")).isEqualTo(NodeLoss.MESSAGE);
    JsonObject status = watcher.status(sessionId);
    assertThat(status.getString("status")).isEqualTo("failed");
    assertThat(status.getString("error")).isEqualTo(NodeLoss.MESSAGE);
    assertThat(survivor.node().hazelcast().getMap(JobRegistry.USER_JOBS).containsKey("yan"))
      .as("the dead node's job no longer counts against its owner").isFalse();
    victim.node().vertx().close();
    watcher.close();
    starter.close();
  }

  @Test
  @Order(3)
  @DisplayName("a job whose record names a node gone unseen (no departure was reported) is failed at the next check")
  void departedNodeFoundByTheCheck() throws Exception {
    Skillbus node = NODES.get(0);
    CourseClient starter = CourseClient.connect(node, "ada", "learner");
    String sessionId = starter.generate("Glaciers", null);
    starter.join(sessionId, 0L, null);
    starter.until(sessionId, e -> "progress".equals(e.getJsonObject("data").getString("type")));
    // What a node that died while nobody listened leaves behind: its jobs recorded under a node
    // id no member has. The job is moved there from the node running it.
    IMap<String, HashMap<String, String>> nodeJobs = node.node().hazelcast().getMap(JobRegistry.NODE_JOBS);
    Counter cleanups = node.node().metrics().registry().counter("skillbus.cluster.repairs", "kind", "departed_node_jobs");
    double cleanedBefore = cleanups.count();
    await(node.node().vertx().executeBlocking(() -> nodeJobs.put("departed-node", nodeJobs.remove(node.node().nodeId()))));

    List<JsonObject> events = starter.untilComplete(sessionId);
    JsonObject complete = events.get(events.size() - 1).getJsonObject("data");
    assertThat(complete.getBoolean("success")).isFalse();
    assertThat(complete.getString("error")).isEqualTo(NodeLoss.MESSAGE);
    assertThat(starter.status(sessionId).getString("status")).isEqualTo("failed");
    assertThat(nodeJobs.containsKey("departed-node")).as("the record goes once its jobs ended").isFalse();
    Eventually.holds(node.node().vertx(), 50, 5_000, () -> Future.succeededFuture(cleanups.count() == cleanedBefore + 1))
      .await(10, TimeUnit.SECONDS);
    starter.close();
  }
}
