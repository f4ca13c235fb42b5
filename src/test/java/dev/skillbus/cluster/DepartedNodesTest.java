package dev.skillbus.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.ClusterNode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Cleaning up after departed nodes")
class DepartedNodesTest {

  static ClusterNode node;

  @BeforeAll
  static void start() throws Exception {
    node = ClusterNode.start(new JsonObject().put("name", "departed-nodes-test").put("port", 5896)
      .put("members", new JsonArray().add("127.0.0.1:5896"))).await(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close().await(30, TimeUnit.SECONDS);
  }

  /**
   * Records naming one gone node, whose cleanups the test ends one by one, each saying whether it
   * found something to clean up; {@code cleaned} counts the times the node was reported cleaned up after.
   */
  static final class HeldCleanups implements DepartedNodes.Records {
    final List<Promise<Boolean>> cleanups = new ArrayList<>();
    final AtomicInteger cleaned = new AtomicInteger();
    final DepartedNodes departed = new DepartedNodes(node.vertx(), node.hazelcast(), "test records", this,
      cleaned::incrementAndGet, Pauses.jvm());

    @Override
    public Future<Collection<String>> nodes() {
      return Future.succeededFuture(List.of("gone-node"));
    }

    @Override
    public Future<Boolean> cleanUp(String nodeId) {
      Promise<Boolean> cleanup = Promise.promise();
      cleanups.add(cleanup);
      return cleanup.future();
    }
  }

  @Test
  @DisplayName("a cleanup asked for again while one is under way runs once more after it, not at the same time, and not lost")
  void askedAgainRunsAfter() throws Exception {
    HeldCleanups records = new HeldCleanups();
    DepartedNodes departed = records.departed;
    departed.check();
    // A second check (another node left meanwhile; it may know more): nothing starts beside the first.
    departed.check();
    departed.check();
    assertThat(records.cleanups).hasSize(1);
    records.cleanups.get(0).complete(true);
    assertThat(records.cleanups).as("run once more, after the first").hasSize(2);
    records.cleanups.get(1).complete(false);
    assertThat(records.cleanups).hasSize(2);
    assertThat(records.cleaned).as("one node cleaned up after, once: the run again found nothing left").hasValue(1);
    departed.check();
    assertThat(records.cleanups).as("a later check starts a new one").hasSize(3);
    // As a check that read the records before the first cleanup removed them does: nothing left.
    records.cleanups.get(2).complete(false);
    assertThat(records.cleaned).hasValue(1);
  }

  @Test
  @DisplayName("a cleanup that failed and ran again as asked counts the node cleaned up after once it succeeded")
  void failedThenRunAgainCountsOnce() throws Exception {
    HeldCleanups records = new HeldCleanups();
    DepartedNodes departed = records.departed;
    departed.check();
    departed.check();
    records.cleanups.get(0).fail("partitions moving");
    assertThat(records.cleaned).hasValue(0);
    assertThat(records.cleanups).as("run once more, after the first").hasSize(2);
    records.cleanups.get(1).complete(true);
    assertThat(records.cleaned).hasValue(1);
  }
}
