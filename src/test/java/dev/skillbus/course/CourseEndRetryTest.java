package dev.skillbus.course;

import static dev.skillbus.testing.Servers.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.ClusterNode;
import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.Header;
import dev.skillbus.store.Document;
import dev.skillbus.store.DocumentStore;
import dev.skillbus.store.RoomHistory;
import dev.skillbus.store.StoreSettings;
import dev.skillbus.store.Stores;
import dev.skillbus.testing.Eventually;
import dev.skillbus.testing.ForwardingHistory;
import dev.skillbus.testing.Servers;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A node whose course part writes through a store that fails the first writes of a job's end. */
@DisplayName("Ending a course job through store errors")
class CourseEndRetryTest {

  static ClusterNode node;
  static Stores stores;
  static final AtomicInteger endFailures = new AtomicInteger();
  static final AtomicInteger courseFailures = new AtomicInteger();
  static final AtomicInteger updateFailures = new AtomicInteger();
  static final AtomicInteger updateAnswersLost = new AtomicInteger();
  static final AtomicInteger courseWrites = new AtomicInteger();
  static volatile boolean courseTooLarge;

  /** The in-memory store, but a status write that ends a job fails while {@link #endFailures} counts down. */
  record FailingEnds(DocumentStore inner) implements DocumentStore {

    @Override
    public Future<Document> get(String kind, String id) {
      return inner.get(kind, id);
    }

    @Override
    public Future<Document> put(String kind, String id, JsonObject value, Long expectedVersion, Duration ttl) {
      boolean ends = CourseStore.STATUS_KIND.equals(kind) && !"running".equals(value.getString("status"));
      if (CourseStore.COURSE_KIND.equals(kind)) {
        courseWrites.incrementAndGet();
        if (courseTooLarge) {
          return Future.failedFuture(ErrorCode.TOO_LARGE.exception("value is 300000 bytes, over the limit of 262144"));
        }
      }
      if (ends && endFailures.getAndDecrement() > 0
        || CourseStore.COURSE_KIND.equals(kind) && courseFailures.getAndDecrement() > 0) {
        return Future.failedFuture(ErrorCode.UNAVAILABLE.exception("the store timed out"));
      }
      return inner.put(kind, id, value, expectedVersion, ttl);
    }

    @Override
    public Future<Boolean> delete(String kind, String id) {
      return inner.delete(kind, id);
    }

    @Override
    public int maxValueBytes() {
      return inner.maxValueBytes();
    }
  }

  /**
   * The in-memory history, but an update of a course's stream fails while {@link #updateFailures}
   * counts down, and is stored but answered as failed (its answer lost, as when a stalled Redis takes
   * a write that timed out) while {@link #updateAnswersLost} counts down.
   */
  static final class FailingUpdates extends ForwardingHistory {
    FailingUpdates(RoomHistory inner) {
      super(inner);
    }

    @Override
    public Future<JsonObject> appendToStream(String roomId, String event, JsonObject data, String id) {
      if (updateFailures.getAndDecrement() > 0) {
        return Future.failedFuture(ErrorCode.UNAVAILABLE.exception("the store is unavailable"));
      }
      Future<JsonObject> stored = super.appendToStream(roomId, event, data, id);
      return updateAnswersLost.getAndDecrement() > 0
        ? stored.transform(ar -> Future.failedFuture(ErrorCode.UNAVAILABLE.exception("the store timed out")))
        : stored;
    }
  }

  @BeforeAll
  static void start() throws Exception {
    JsonObject config = Servers.config("course-end-retry-test", 6246, 6246, 6246);
    node = ClusterNode.start(config.getJsonObject("cluster")).await(60, TimeUnit.SECONDS);
    stores = Stores.create(node.vertx(), StoreSettings.from(config));
    await(stores.start());
    CourseVerticle courses = new CourseVerticle(node.hazelcast(), new FailingUpdates(stores.history()), new FailingEnds(stores.documents()),
      node.metrics());
    JsonObject course = new JsonObject().put("template", new JsonObject().put("paceMs", 20));
    await(node.vertx().deployVerticle(courses, new DeploymentOptions().setConfig(course)));
  }

  @AfterAll
  static void stop() throws Exception {
    node.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("a job whose end fails to be stored twice ends all the same: status final, one complete event, the owner's place free")
  void endRetried() throws Exception {
    endFailures.set(2);
    DeliveryOptions caller = new DeliveryOptions().addHeader(Header.USER_ID, "pia").addHeader(Header.USER_ROLE, "learner");
    String sessionId = await(node.vertx().eventBus().<JsonObject>request("course.generate",
      new JsonObject().put("topic", "Lighthouses"), caller)).body().getString("sessionId");

    await(Eventually.holds(node.vertx(), 50, 10_000, () -> stores.documents().get(CourseStore.STATUS_KIND, sessionId)
      .map(doc -> "completed".equals(doc.value().getString("status")))));
    await(Eventually.holds(node.vertx(), 50, 10_000, () -> stores.history().since(sessionId, 0, null)
      .map(slice -> completes(slice.events()) == 1)));
    assertThat(endFailures.get()).as("both failures happened").isNegative();
    List<JsonObject> events = await(stores.history().since(sessionId, 0, null)).events();
    assertThat(events.get(events.size() - 1).getString("event")).isEqualTo(CourseClient.COMPLETE);
    assertThat(events.get(events.size() - 1).getJsonObject("data").getBoolean("success")).isTrue();
    assertThat(node.hazelcast().getMap(JobRegistry.USER_JOBS).containsKey("pia")).as("the owner's place is free").isFalse();
    assertThat(node.hazelcast().getMap(JobRegistry.NODE_JOBS).values().toString()).doesNotContain(sessionId);
  }

  @Test
  @DisplayName("a short store outage while a job runs loses nothing: its updates and its course are stored once the store is back")
  void outageRetried() throws Exception {
    List<String> untroubled = updates(ended(generate("oli", "Tide pools")));
    updateFailures.set(3);
    courseFailures.set(2);
    String sessionId = ended(generate("oli", "Tide pools"));
    JsonObject status = await(stores.documents().get(CourseStore.STATUS_KIND, sessionId)).value();
    assertThat(status.getString("status")).as(status.encode()).isEqualTo("completed");
    assertThat(courseFailures.get()).as("both course writes failed first").isNegative();
    assertThat(updateFailures.get()).as("three update writes failed first").isNegative();
    // Every update of the same job run without trouble, in the same order.
    assertThat(updates(sessionId)).isEqualTo(untroubled);
  }

  @Test
  @DisplayName("updates whose writes were made though they failed (their answers lost) are stored once each, in order")
  void lostAnswersStoredOnce() throws Exception {
    List<String> untroubled = updates(ended(generate("ida", "Salt marshes")));
    updateAnswersLost.set(3);
    String sessionId = ended(generate("ida", "Salt marshes"));
    assertThat(updateAnswersLost.get()).as("three update writes were made and answered as failed").isNegative();
    assertThat(updates(sessionId)).isEqualTo(untroubled);
  }

  @Test
  @DisplayName("a course the store refuses (over its size limit) fails the job at once: a refusal is not tried again")
  void refusalNotRetried() throws Exception {
    courseTooLarge = true;
    try {
      int before = courseWrites.get();
      String sessionId = ended(generate("uma", "Glaciers"));
      JsonObject status = await(stores.documents().get(CourseStore.STATUS_KIND, sessionId)).value();
      assertThat(status.getString("status")).isEqualTo("failed");
      assertThat(status.getString("error")).contains("over the limit");
      assertThat(courseWrites.get() - before).as("one write, not tried again").isOne();
    } finally {
      courseTooLarge = false;
    }
  }

  private static String generate(String user, String topic) throws Exception {
    DeliveryOptions caller = new DeliveryOptions().addHeader(Header.USER_ID, user).addHeader(Header.USER_ROLE, "learner");
    return await(node.vertx().eventBus().<JsonObject>request("course.generate",
      new JsonObject().put("topic", topic), caller)).body().getString("sessionId");
  }

  /** The session, once its complete event is in its history. */
  private static String ended(String sessionId) throws Exception {
    await(Eventually.holds(node.vertx(), 50, 20_000, () -> stores.history().since(sessionId, 0, null)
      .map(slice -> completes(slice.events()) == 1)));
    return sessionId;
  }

  /** The session's updates as stored, in order: each one's type and message. */
  private static List<String> updates(String sessionId) throws Exception {
    return await(stores.history().since(sessionId, 0, null)).events().stream()
      .filter(e -> !CourseClient.COMPLETE.equals(e.getString("event"))).map(e -> e.getJsonObject("data"))
      .map(d -> d.getString("type") + ": " + d.getString("message")).toList();
  }

  static long completes(List<JsonObject> events) {
    return events.stream().filter(e -> CourseClient.COMPLETE.equals(e.getString("event"))).count();
  }
}
