package dev.skillbus.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.core.Hazelcast;
import dev.skillbus.Skillbus;
import dev.skillbus.testing.Servers;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Nodes of one cluster that keep their store in different places would each have their own rooms' history. */
@DisplayName("A node whose store is not where the cluster's is")
class StoreAgreementTest {

  /** Nothing listens here: a node starts while its Redis is down, so the store's place is all that differs. */
  private static final String REDIS = "redis://127.0.0.1:6009";

  private static JsonObject node(String cluster, int port, String redisUrl, String prefix) {
    JsonObject config = Servers.config(cluster, port, 6660, 6662);
    JsonObject store = new JsonObject();
    if (redisUrl != null) {
      store.put("redisUrl", redisUrl).put("redis", new JsonObject().put("keyPrefix", prefix));
    }
    return config.put("store", store);
  }

  private static void refused(JsonObject first, JsonObject second, String... named) throws Exception {
    Skillbus running = Skillbus.start(first).await(60, TimeUnit.SECONDS);
    try {
      assertThatThrownBy(() -> Skillbus.start(second).await(60, TimeUnit.SECONDS)).hasMessageContaining("REDIS_URL")
        .hasMessageContaining(running.node().nodeId()).hasMessageContaining(named[0]).hasMessageContaining(named[1]);
      String cluster = first.getJsonObject("cluster").getString("name");
      assertThat(Hazelcast.getAllHazelcastInstances()).as("the refused node left the cluster")
        .filteredOn(instance -> cluster.equals(instance.getConfig().getClusterName())).hasSize(1);
    } finally {
      running.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("does not start: one in memory beside one in Redis, either way round, or another key prefix")
  void refused() throws Exception {
    refused(node("agree-a", 6660, null, null), node("agree-a", 6661, REDIS, "skillbus:"),
      "in its own memory", "127.0.0.1:6009/0");
    refused(node("agree-b", 6660, REDIS, "skillbus:"), node("agree-b", 6661, null, null),
      "in its own memory", "127.0.0.1:6009/0");
    refused(node("agree-c", 6660, REDIS, "one:"), node("agree-c", 6661, "redis://:secret@127.0.0.1:6009/0", "two:"),
      "key prefix one:", "key prefix two:");
  }

  @Test
  @DisplayName("does not start beside another that keeps its store in its own memory too, unless cluster.allowMemoryStores says so on both")
  void bothInMemory() throws Exception {
    JsonObject first = node("agree-e", 6660, null, null);
    JsonObject second = node("agree-e", 6661, null, null);
    first.getJsonObject("cluster").remove("allowMemoryStores");
    second.getJsonObject("cluster").remove("allowMemoryStores");
    Skillbus running = Skillbus.start(first).await(60, TimeUnit.SECONDS);
    try {
      assertThatThrownBy(() -> Skillbus.start(second).await(60, TimeUnit.SECONDS))
        .hasMessageContaining("REDIS_URL").hasMessageContaining("CLUSTER_ALLOW_MEMORY_STORES").hasMessageContaining(running.node().nodeId());
      // Allowed by the node that joins but not by the one running: still refused.
      second.getJsonObject("cluster").put("allowMemoryStores", true);
      assertThatThrownBy(() -> Skillbus.start(second).await(60, TimeUnit.SECONDS)).hasMessageContaining("CLUSTER_ALLOW_MEMORY_STORES");
    } finally {
      running.close().await(30, TimeUnit.SECONDS);
    }
    first.getJsonObject("cluster").put("allowMemoryStores", true);
    running = Skillbus.start(first).await(60, TimeUnit.SECONDS);
    try {
      Skillbus.start(second).await(60, TimeUnit.SECONDS).close().await(30, TimeUnit.SECONDS);
    } finally {
      running.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("starts beside one that keeps it in the same Redis, whatever the password's spelling; and after one that left")
  void agreed() throws Exception {
    Skillbus first = Skillbus.start(node("agree-d", 6660, REDIS, "skillbus:")).await(60, TimeUnit.SECONDS);
    Skillbus second = Skillbus.start(node("agree-d", 6661, "redis://:secret@127.0.0.1:6009", "skillbus:")).await(60, TimeUnit.SECONDS);
    second.close().await(30, TimeUnit.SECONDS);
    first.close().await(30, TimeUnit.SECONDS);
    // The store's place is taken back as a node leaves: a node with another store may start now.
    Skillbus third = Skillbus.start(node("agree-d", 6660, null, null)).await(60, TimeUnit.SECONDS);
    third.close().await(30, TimeUnit.SECONDS);
  }
}
