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
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.RegistrationInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
  @DisplayName("a cancel that the job's node, still in the cluster, does not carry out answers 503 and the job goes on")
  void cancelNotCarriedOut() throws Exception {
    CourseClient owner = CourseClient.connect(NODES.get(0), "uma", "learner");
    String sessionId = owner.generate("Tides", null);
    owner.join(sessionId, 0L, null);
    Skillbus runs = runner(owner.status(sessionId));
    // The status names a node that is in the cluster but does not run the job: its answer to the
    // cancel is an error, as that of a node that runs the job but fails or answers late would be.
    name(runs, sessionId, memberId(other(runs)));
    int step = step(owner.until(sessionId, CourseFailoverTest::isProgress));

    Rest refused = owner.rest(HttpMethod.POST, "/api/courses/sessions/" + sessionId + "/cancel", null);
    assertThat(refused.status()).isEqualTo(503);
    owner.until(sessionId, e -> isProgress(e) && step(e) > step);
    assertThat(owner.status(sessionId).getString("status")).isEqualTo("running");
    assertThat(owner.seen(sessionId)).noneMatch(e -> CourseClient.COMPLETE.equals(e.getString("event")));

    name(runs, sessionId, memberId(runs));
    Rest cancelled = owner.rest(HttpMethod.POST, "/api/courses/sessions/" + sessionId + "/cancel", null);
    assertThat(cancelled.body().getString("status")).isEqualTo("cancelled");
    owner.untilComplete(sessionId);
    owner.close();
  }

  /** Writes {@code node} as the node of the session's job into its status. */
  static void name(Skillbus any, String sessionId, String node) throws Exception {
    await(any.stores().documents().merge(CourseStore.STATUS_KIND, sessionId, new JsonObject().put("node", node), null));
  }

  static boolean isProgress(JsonObject event) {
    return CourseClient.UPDATE.equals(event.getString("event")) && "progress".equals(event.getJsonObject("data").getString("type"));
  }

  static int step(JsonObject progress) {
    return progress.getJsonObject("data").getJsonObject("data").getInteger("step");
  }

  @Test
  @Order(3)
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
    awaitRequestsStayOn(survivor);
  }

  /** Waits until the event bus no longer hands {@code course.generate} to a node that is gone. */
  static void awaitRequestsStayOn(Skillbus node) throws Exception {
    await(Eventually.holds(node.node().vertx(), 50, 10_000, () -> {
      Promise<List<RegistrationInfo>> found = Promise.promise();
      node.node().clusterManager().getRegistrations("course.generate", found);
      return found.future().map(all -> all.stream().allMatch(r -> r.nodeId().equals(memberId(node))));
    }));
  }

  @Test
  @Order(4)
  @DisplayName("a job whose record names a node gone unseen is failed at the next check, and stops where it still runs: nothing of it follows its complete event")
  void departedNodeFoundByTheCheck() throws Exception {
    Skillbus node = NODES.get(0);
    CourseClient starter = CourseClient.connect(node, "ada", "learner");
    String sessionId = starter.generate("Glaciers", null);
    String marker = starter.generate("Sand dunes", null);
    starter.join(sessionId, 0L, null);
    starter.join(marker, 0L, null);
    starter.until(sessionId, CourseFailoverTest::isProgress);
    // What a node that died while nobody listened leaves behind: its jobs recorded under a node
    // id no member has. The first job is moved there from the node running it, which goes on.
    IMap<String, HashMap<String, String>> nodeJobs = node.node().hazelcast().getMap(JobRegistry.NODE_JOBS);
    Counter cleanups = node.node().metrics().registry().counter("skillbus.cluster.repairs", "kind", "departed_node_jobs");
    double cleanedBefore = cleanups.count();
    await(node.node().vertx().executeBlocking(() -> {
      HashMap<String, String> here = nodeJobs.get(node.node().nodeId());
      String owner = here.remove(sessionId);
      nodeJobs.put(node.node().nodeId(), here);
      return nodeJobs.put("departed-node", new HashMap<>(Map.of(sessionId, owner)));
    }));

    List<JsonObject> events = starter.untilComplete(sessionId);
    JsonObject complete = events.get(events.size() - 1).getJsonObject("data");
    assertThat(complete.getBoolean("success")).isFalse();
    assertThat(complete.getString("error")).isEqualTo(NodeLoss.MESSAGE);
    assertThat(starter.status(sessionId).getString("status")).isEqualTo("failed");
    assertThat(nodeJobs.containsKey("departed-node")).as("the record goes once its jobs ended").isFalse();
    Eventually.holds(node.node().vertx(), 50, 5_000, () -> Future.succeededFuture(cleanups.count() == cleanedBefore + 1))
      .await(10, TimeUnit.SECONDS);
    assertNothingAfterComplete(starter, sessionId, marker);
    starter.rest(HttpMethod.POST, "/api/courses/sessions/" + marker + "/cancel", null);
    starter.close();
  }

  /**
   * The marker job steps on the same event loop at the same pace as the ended one: two of its steps
   * after the complete event, the ended job would have taken its next step, had it gone on.
   */
  static void assertNothingAfterComplete(CourseClient client, String sessionId, String marker) throws Exception {
    int step = client.seen(marker).stream().filter(CourseFailoverTest::isProgress).mapToInt(CourseFailoverTest::step)
      .max().orElse(0);
    client.until(marker, e -> CourseClient.COMPLETE.equals(e.getString("event")) || isProgress(e) && step(e) >= step + 2);
    JsonArray history = await(client.bridge.call("session.history", new JsonObject().put("sessionId", sessionId)
      .put("since", 0))).getJsonArray("events");
    List<String> names = history.stream().map(e -> ((JsonObject) e).getString("event"))
      .filter(e -> e.startsWith("course_generation")).toList();
    assertThat(names.get(names.size() - 1)).isEqualTo(CourseClient.COMPLETE);
    assertThat(names).filteredOn(CourseClient.COMPLETE::equals).hasSize(1);
  }
}
