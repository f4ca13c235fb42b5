package dev.skillbus.course;

import static dev.skillbus.testing.Servers.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.map.IMap;
import dev.skillbus.ClusterNode;
import dev.skillbus.Skillbus;
import dev.skillbus.protocol.Header;
import dev.skillbus.store.RoomHistory;
import dev.skillbus.store.StoreSettings;
import dev.skillbus.store.Stores;
import dev.skillbus.testing.Eventually;
import dev.skillbus.testing.ForwardingHistory;
import dev.skillbus.testing.Servers;
import dev.skillbus.testing.TestRedis;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two nodes on one Redis. The first, the oldest, ends jobs recorded under departed nodes; the second
 * runs a job whose write of an update stalls (as a node paused by a long GC right before its write
 * reaches Redis), so that it does not answer the first node's stop in time.
 */
@DisplayName("A course job on a node that stalls while another node ends it")
class CourseStalledNodeTest {

  @RegisterExtension
  static final TestRedis REDIS = new TestRedis(6297);

  static Skillbus ender;
  static ClusterNode stalled;
  static Stores stalledStores;
  static StalledWrite stall;
  static String courses;

  /**
   * The room history of the stalled node: its first {@code progress} update waits until the test
   * lets it through, on the course part's context, and says how the store answered it.
   */
  static final class StalledWrite extends ForwardingHistory {
    final Promise<Void> arrived = Promise.promise();
    final Promise<JsonObject> answered = Promise.promise();
    private final AtomicBoolean armed = new AtomicBoolean(true);
    private final Promise<Void> released = Promise.promise();
    private Context context;

    StalledWrite(RoomHistory inner) {
      super(inner);
    }

    void release() {
      context.runOnContext(v -> released.complete());
    }

    @Override
    public Future<JsonObject> append(String roomId, String event, JsonObject data) {
      return stalls(event, data) ? stall(() -> inner.append(roomId, event, data)) : inner.append(roomId, event, data);
    }

    @Override
    public Future<JsonObject> appendToStream(String roomId, String event, JsonObject data, String id) {
      return stalls(event, data) ? stall(() -> inner.appendToStream(roomId, event, data, id))
        : inner.appendToStream(roomId, event, data, id);
    }

    private boolean stalls(String event, JsonObject data) {
      return CourseClient.UPDATE.equals(event) && "progress".equals(data.getString("type")) && armed.compareAndSet(true, false);
    }

    private Future<JsonObject> stall(Supplier<Future<JsonObject>> write) {
      context = Vertx.currentContext();
      arrived.complete();
      return released.future().compose(v -> write.get()).onComplete(answered);
    }
  }

  static JsonObject config(int port) {
    return Servers.config("course-stalled-test", port, 6263, 6264)
      .put("store", REDIS.storeConfig("course-stalled:"));
  }

  @BeforeAll
  static void start() throws Exception {
    ender = Servers.start(config(6263).put("course", new JsonObject().put("sweepIntervalSeconds", 1)));
    JsonObject config = config(6264);
    stalled = ClusterNode.start(config.getJsonObject("cluster")).await(60, TimeUnit.SECONDS);
    stalledStores = Stores.create(stalled.vertx(), StoreSettings.from(config));
    await(stalledStores.start());
    stall = new StalledWrite(stalledStores.history());
    // Its job takes its first step at once and its next one long after the test: nothing but the
    // stalled write is in its queue.
    JsonObject course = new JsonObject().put("template", new JsonObject().put("paceMs", 60_000));
    courses = await(stalled.vertx().deployVerticle(new CourseVerticle(stalled.hazelcast(), stall, stalledStores.documents(),
      stalled.metrics()), new DeploymentOptions().setConfig(course)));
  }

  @AfterAll
  static void stop() throws Exception {
    stalled.vertx().undeploy(courses).await(30, TimeUnit.SECONDS);
    stalledStores.close().await(30, TimeUnit.SECONDS);
    stalled.close().await(30, TimeUnit.SECONDS);
    ender.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("an update whose node resumes after the complete event was stored is refused: the complete event stays the session's last, and is stored once")
  void noUpdateAfterTheCompleteEvent() throws Exception {
    DeliveryOptions caller = new DeliveryOptions().setLocalOnly(true)
      .addHeader(Header.USER_ID, "ida").addHeader(Header.USER_ROLE, "learner");
    String sessionId = await(stalled.vertx().eventBus().<JsonObject>request("course.generate",
      new JsonObject().put("topic", "Tidal pools"), caller)).body().getString("sessionId");
    await(stall.arrived.future());

    recordUnderDepartedNode(sessionId);
    // The oldest node ends the job, asks the stalled node to stop it, is not answered within its
    // wait, and stores the complete event.
    RoomHistory shared = ender.stores().history();
    await(Eventually.holds(ender.node().vertx(), 50, 15_000, () -> shared.since(sessionId, 0, null)
      .map(slice -> names(slice.events()).contains(CourseClient.COMPLETE))));
    assertThat(stall.answered.future().isComplete()).as("the stalled write waits still").isFalse();

    stall.release();
    JsonObject late = await(stall.answered.future());
    List<JsonObject> events = await(shared.since(sessionId, 0, null)).events();
    List<String> names = names(events);
    assertThat(names.get(names.size() - 1)).isEqualTo(CourseClient.COMPLETE);
    assertThat(names).filteredOn(CourseClient.COMPLETE::equals).hasSize(1);
    assertThat(events.get(events.size() - 1).getJsonObject("data").getString("error")).isEqualTo(NodeLoss.MESSAGE);
    assertThat(late).as("the late update is refused, so its node publishes nothing").isNull();
  }

  /** What a node that died unseen leaves: the job recorded under a node id no member has, its status still naming the stalled node. */
  static void recordUnderDepartedNode(String sessionId) throws Exception {
    IMap<String, HashMap<String, String>> nodeJobs = stalled.hazelcast().getMap(JobRegistry.NODE_JOBS);
    await(stalled.vertx().executeBlocking(() -> {
      HashMap<String, String> here = nodeJobs.get(stalled.nodeId());
      String owner = here.remove(sessionId);
      nodeJobs.put(stalled.nodeId(), here);
      return nodeJobs.put("departed-node", new HashMap<>(Map.of(sessionId, owner)));
    }));
  }

  static List<String> names(List<JsonObject> events) {
    return events.stream().map(e -> e.getString("event")).filter(e -> e.startsWith("course_generation")).toList();
  }
}
