package dev.skillbus.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.ClusterNode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A node back from a pause long enough for the others to take it out of the cluster sees them all
 * gone: it must not clean up after them (end their jobs, empty their rooms) until the two sides had
 * time to merge again.
 */
@DisplayName("A node back from a long pause")
class PausesTest {

  static ClusterNode node;

  @BeforeAll
  static void start() throws Exception {
    node = ClusterNode.start(new JsonObject().put("name", "pauses-test").put("port", 5893)
      .put("members", new JsonArray().add("127.0.0.1:5893"))).await(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close().await(30, TimeUnit.SECONDS);
  }

  /** A clock the test moves, and the watcher's looks, every half second of it. */
  static final class Clock {
    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    final Pauses pauses = new Pauses(nanos::get);

    /** Time passes with the JVM running: the watcher looks every half second. */
    void run(long seconds) {
      for (long i = 0; i < seconds * 2; i++) {
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(500));
        pauses.look();
      }
    }

    /** Time passes with the JVM stopped. */
    void pause(long seconds) {
      nanos.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
    }
  }

  /** Records that name one node, gone from the cluster, and note each cleanup after it. */
  static final class GoneNode implements DepartedNodes.Records {
    final List<String> cleanedUp = new CopyOnWriteArrayList<>();

    @Override
    public Future<Collection<String>> nodes() {
      return Future.succeededFuture(List.of("gone-node"));
    }

    @Override
    public Future<Boolean> cleanUp(String nodeId) {
      cleanedUp.add(nodeId);
      return Future.succeededFuture(true);
    }
  }

  @Test
  @DisplayName("distrusts only the departures seen right after a pause of 30 s or more, until the sides merge or for 10 minutes")
  void distrust() {
    Clock clock = new Clock();
    clock.run(30);
    assertThat(clock.pauses.trustsDeparture("a")).isTrue();
    clock.pause(20);
    clock.run(1);
    assertThat(clock.pauses.trustsDeparture("b")).as("after a 20 s stall").isTrue();
    clock.pause(77);
    assertThat(clock.pauses.trustsDeparture("c")).as("just back, before the watcher looked").isFalse();
    clock.run(10);
    assertThat(clock.pauses.trustsDeparture("d")).as("10 s after").isFalse();
    clock.run(15);
    assertThat(clock.pauses.trustsDeparture("e")).as("a departure 25 s after").isTrue();
    assertThat(clock.pauses.trustsDeparture("c")).isFalse();
    clock.run(9 * 60);
    assertThat(clock.pauses.trustsDeparture("c")).isFalse();
    clock.run(40);
    assertThat(clock.pauses.trustsDeparture("c")).as("still gone 10 minutes on").isTrue();
    assertThat(clock.pauses.trustsDeparture("d")).as("10 minutes from when it was seen go").isFalse();
    clock.run(10);
    assertThat(clock.pauses.trustsDeparture("d")).isTrue();

    assertThat(clock.pauses.cutOff()).as("no departure doubted now").isFalse();

    clock.pause(61);
    assertThat(clock.pauses.trustsDeparture("f")).isFalse();
    assertThat(clock.pauses.cutOff()).as("nodes seen leaving right after a pause: cut off from them").isTrue();
    clock.run(30);
    clock.pauses.merged();
    assertThat(clock.pauses.cutOff()).as("once the sides merged").isFalse();
    assertThat(clock.pauses.trustsDeparture("f")).as("once the sides merged").isTrue();
  }

  @Test
  @DisplayName("does not clean up after a node that left its view right after a pause; a check 10 minutes on does")
  void noCleanupRightAfterPause() throws Exception {
    Clock clock = new Clock();
    GoneNode records = new GoneNode();
    DepartedNodes departed = new DepartedNodes(node.vertx(), node.hazelcast(), "test records", records, () -> { }, clock.pauses);
    clock.run(1);
    clock.pause(77);
    departed.check().await(10, TimeUnit.SECONDS);
    clock.run(5 * 60);
    departed.check().await(10, TimeUnit.SECONDS);
    assertThat(records.cleanedUp).isEmpty();
    clock.run(6 * 60);
    departed.check().await(10, TimeUnit.SECONDS);
    assertThat(records.cleanedUp).containsExactly("gone-node");
  }

  @Test
  @DisplayName("cleans up at once after a node that left its view later than right after a pause")
  void cleanupAfterAPauseThatCostNothing() throws Exception {
    Clock clock = new Clock();
    GoneNode records = new GoneNode();
    DepartedNodes departed = new DepartedNodes(node.vertx(), node.hazelcast(), "test records", records, () -> { }, clock.pauses);
    clock.run(1);
    clock.pause(45);
    clock.run(21);
    departed.check().await(10, TimeUnit.SECONDS);
    assertThat(records.cleanedUp).containsExactly("gone-node");
  }
}
