package dev.skillbus.course;

import static dev.skillbus.testing.Servers.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.hazelcast.map.IMap;
import dev.skillbus.Skillbus;
import dev.skillbus.protocol.Header;
import dev.skillbus.testing.Eventually;
import dev.skillbus.testing.Servers;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requests any node may serve carry when their caller stops waiting (and tells its client 503,
 * "send it again"). Sent here straight to the node's services with that deadline, as the bridge
 * stamps it: one that arrives late (its node was paused) or whose job is admitted late (the cluster
 * stalled) must not start what its caller was told did not start. One job per user; jobs take a
 * step a minute, so none ends by itself during a test.
 */
@DisplayName("Course and AI requests whose caller stopped waiting")
class CourseDeadlineTest {

  static Skillbus node;

  @BeforeAll
  static void start() throws Exception {
    JsonObject config = Servers.config("course-deadline-test", 6222, 6222, 6222);
    config.put("course", new JsonObject().put("maxJobsPerUser", 1)
      .put("template", new JsonObject().put("paceMs", 60_000)));
    node = Servers.start(config);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close().await(30, TimeUnit.SECONDS);
  }

  /** A request of learner {@code userId} whose caller waits until {@code deadline}. */
  static Future<Message<JsonObject>> send(String address, String userId, long deadline, JsonObject body) {
    DeliveryOptions options = new DeliveryOptions().setLocalOnly(true).setSendTimeout(30_000)
      .addHeader(Header.USER_ID, userId).addHeader(Header.USER_NAME, userId).addHeader(Header.USER_ROLE, "learner")
      .addHeader(Header.DEADLINE, deadline + ";10000");
    return node.node().vertx().eventBus().request(address, body, options);
  }

  static Future<Message<JsonObject>> generate(String userId, long deadline) {
    return send("course.generate", userId, deadline, new JsonObject().put("topic", "Knots"));
  }

  static ReplyException refusal(Future<Message<JsonObject>> reply) {
    ReplyException refused = catchThrowableOfType(ReplyException.class, () -> await(reply));
    assertThat(refused).as("the request is refused").isNotNull();
    return refused;
  }

  /** The user's place is free: a request in time starts a job (the limit is one), which is then cancelled. */
  static void placeIsFree(String userId) throws Exception {
    String sessionId = await(generate(userId, System.currentTimeMillis() + 10_000)).body().getString("sessionId");
    assertThat(sessionId).isNotNull();
    await(send("course.cancel", userId, System.currentTimeMillis() + 10_000, new JsonObject().put("sessionId", sessionId)));
  }

  @Test
  @DisplayName("a generate request that arrives after its caller gave up is refused with 503 and takes no place")
  void lateRequest() throws Exception {
    ReplyException refused = refusal(generate("olga", System.currentTimeMillis() - 1));
    assertThat(refused.failureCode()).isEqualTo(503);
    assertThat(refused.getMessage()).contains("too late");
    IMap<String, HashMap<String, String>> userJobs = node.node().hazelcast().getMap(JobRegistry.USER_JOBS);
    assertThat(userJobs.get("olga")).as("no job counted against the user").isNullOrEmpty();
    placeIsFree("olga");
  }

  @Test
  @DisplayName("a job admitted after its caller's deadline ends failed at once: 503, its place given back, nothing generated")
  void jobAdmittedLate() throws Exception {
    IMap<String, HashMap<String, String>> userJobs = node.node().hazelcast().getMap(JobRegistry.USER_JOBS);
    // The user's entry locked: the job's registration waits, as behind a paused member that owns it.
    await(node.node().vertx().executeBlocking(() -> {
      userJobs.lock("pia");
      return null;
    }));
    long deadline = System.currentTimeMillis() + 1000;
    Future<Message<JsonObject>> reply = generate("pia", deadline);
    await(Eventually.holds(node.node().vertx(), 20, 10_000, () -> Future.succeededFuture(System.currentTimeMillis() > deadline)));
    assertThat(reply.isComplete()).as("the registration still waits").isFalse();
    await(node.node().vertx().executeBlocking(() -> {
      userJobs.forceUnlock("pia");
      return null;
    }));

    ReplyException refused = refusal(reply);
    assertThat(refused.failureCode()).isEqualTo(503);
    assertThat(refused.getMessage()).contains("too late");
    IMap<String, HashMap<String, String>> nodeJobs = node.node().hazelcast().getMap(JobRegistry.NODE_JOBS);
    assertThat(nodeJobs.get(node.node().nodeId())).as("the node runs no job").isNullOrEmpty();
    assertThat(userJobs.get("pia")).as("no job counted against the user").isNullOrEmpty();
    placeIsFree("pia");
  }

  @Test
  @DisplayName("an AI request that arrives after its caller gave up, or about to, is refused with 503, not run")
  void lateAiRequest() throws Exception {
    JsonObject body = new JsonObject().put("toolId", "outline").put("message", "Knots").put("requestId", "late-1");
    ReplyException refused = refusal(send("ai.request", "quinn", System.currentTimeMillis() - 1, body));
    assertThat(refused.failureCode()).isEqualTo(503);
    assertThat(refused.getMessage()).contains("too late");
    // With 0.1 s left of the caller's 10 s, too little for the answer to be sure to reach it in time.
    assertThat(refusal(send("ai.request", "quinn", System.currentTimeMillis() + 100, body.copy().put("requestId", "late-2")))
      .failureCode()).isEqualTo(503);
    JsonObject accepted = await(send("ai.request", "quinn", System.currentTimeMillis() + 10_000, body.copy().put("requestId", "in-time-1"))).body();
    assertThat(accepted.getBoolean("accepted")).isTrue();
  }
}
