package dev.skillbus;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.map.IMap;
import dev.skillbus.testing.Servers;
import io.vertx.core.Future;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Hazelcast's asynchronous calls on a small machine")
class HazelcastCallbacksTest {

  @Test
  @DisplayName("completing a thousand asynchronous map calls starts no thread per call")
  void noThreadPerCall() throws Exception {
    Skillbus node = Servers.start(Servers.config("hazelcast-callbacks-test", 6042, 6042, 6042));
    try {
      IMap<String, String> map = node.node().clusterManager().getHazelcastInstance().getMap("callbacks-test");
      map.put("key", "value");
      var threads = ManagementFactory.getThreadMXBean();
      long before = threads.getTotalStartedThreadCount();
      var context = node.node().vertx().getOrCreateContext();
      List<Future<String>> calls = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        calls.add(Future.fromCompletionStage(map.getAsync("key").thenApplyAsync(v -> v), context));
      }
      Future.all(calls).await(30, TimeUnit.SECONDS);
      assertThat(calls).allSatisfy(call -> assertThat(call.result()).isEqualTo("value"));
      // On a machine with one or two cores the JVM's common pool has parallelism 1, and Hazelcast
      // would start one thread per completion (a thousand here) if it were left to its default.
      assertThat(threads.getTotalStartedThreadCount() - before).isLessThan(50);
    } finally {
      node.close().await(30, TimeUnit.SECONDS);
    }
  }
}
