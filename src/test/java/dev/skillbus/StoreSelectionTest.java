package dev.skillbus;

import static dev.skillbus.testing.Servers.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.core.Hazelcast;
import dev.skillbus.store.StoreSettings;
import dev.skillbus.testing.Servers;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Choosing the store")
class StoreSelectionTest {

  @Test
  @DisplayName("without REDIS_URL a node keeps its store in memory and its health says UP with Redis not configured")
  void memoryByDefault() throws Exception {
    Skillbus node = Servers.start(Servers.config("store-selection-test", 6030, 6030, 6030));
    try {
      Servers.Health health = await(Servers.health(node));
      assertThat(node.stores().shared()).isFalse();
      assertThat(health.status()).isEqualTo(200);
      assertThat(health.body().getString("status")).isEqualTo("UP");
      assertThat(health.body().getString("node")).isEqualTo(node.node().nodeId());
      assertThat(health.body().getString("redis")).isEqualTo("NOT_CONFIGURED");
      assertThat(health.body().getInteger("clusterSize")).isEqualTo(1);
      assertThat(health.body().getJsonArray("nodes")).containsExactly(new JsonObject().put("node", node.node().nodeId())
        .put("status", "UP").put("redis", "NOT_CONFIGURED").put("uptime", health.body().getLong("uptime")));
    } finally {
      node.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("REDIS_URL and the store variables reach the store settings")
  void environment() {
    JsonObject config = Config.load(Map.of("SKILLBUS_CONFIG", "src/test/resources/no-settings.json",
      "REDIS_URL", "redis://:pw@redis.internal:6380/2", "STORE_MAX_VALUE_BYTES", "2048", "INBOX_MAX_PER_USER", "7",
      "INBOX_MAX_USERS", "5000"));
    StoreSettings settings = StoreSettings.from(config);
    assertThat(settings.redis().url()).isEqualTo("redis://:pw@redis.internal:6380/2");
    assertThat(settings.maxValueBytes()).isEqualTo(2048);
    assertThat(settings.inboxMaxPerUser()).isEqualTo(7);
    assertThat(settings.inboxMaxUsers()).isEqualTo(5000);
    assertThat(StoreSettings.from(new JsonObject()).redis()).isNull();
    assertThat(StoreSettings.from(new JsonObject()).inboxMaxUsers()).isEqualTo(100_000);
  }

  @Test
  @DisplayName("a node whose setting is refused at start fails with that setting named and leaves the cluster")
  void refusedSettingLeavesTheCluster() {
    JsonObject config = Servers.config("refused-setting-test", 6031, 6031, 6031)
      .put("store", new JsonObject().put("inbox", new JsonObject().put("maxUsers", 0)));
    assertThatThrownBy(() -> Skillbus.start(config).await(60, TimeUnit.SECONDS))
      .hasMessageContaining("INBOX_MAX_USERS");
    assertThat(Hazelcast.getAllHazelcastInstances())
      .noneMatch(instance -> "refused-setting-test".equals(instance.getConfig().getClusterName()));
  }

  @Test
  @DisplayName("a store limit below 1 stops the node from starting, with the setting named")
  void limitsMustBePositive() {
    for (String setting : new String[] {"STORE_MAX_VALUE_BYTES", "STORE_MAX_ITEMS_PER_OWNER", "INBOX_MAX_PER_USER",
      "INBOX_TTL_SECONDS", "INBOX_MAX_USERS", "INBOX_MAX_MEMORY_MB", "HISTORY_MAX_EVENTS", "HISTORY_MAX_AGE_SECONDS"}) {
      for (int bad : new int[] {0, -1}) {
        assertThatThrownBy(() -> Config.load(Map.of("SKILLBUS_CONFIG", "src/test/resources/no-settings.json", setting, Integer.toString(bad))))
          .as(setting + "=" + bad).hasMessageContaining(setting).hasMessageContaining("at least 1");
      }
    }
    // The store's own check, for settings given in code.
    JsonObject config = new JsonObject().put("store", new JsonObject().put("maxItemsPerOwner", 0));
    assertThatThrownBy(() -> StoreSettings.from(config)).isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining("STORE_MAX_ITEMS_PER_OWNER").hasMessageContaining("positive");
  }


  @Test
  @DisplayName("a REDIS_URL that is not a redis:// URL, or has a port or database out of the rules, stops the node from starting, naming it")
  void badUrl() {
    JsonObject config = new JsonObject().put("store", new JsonObject().put("redisUrl", "http://pw@somewhere"));
    assertThatThrownBy(() -> StoreSettings.from(config)).hasMessageContaining("REDIS_URL").hasMessageNotContaining("pw");
    // A password the URL parser refuses: its message would hold the whole URL.
    JsonObject unparsable = new JsonObject().put("store", new JsonObject().put("redisUrl", "redis://default:Xy7{Q9}k@127.0.0.1:6379"));
    assertThatThrownBy(() -> StoreSettings.from(unparsable)).hasMessageContaining("REDIS_URL")
      .hasMessageContaining("percent-encoded").hasMessageNotContaining("Xy7");
    // What the Redis client would refuse only as the node starts, in its own words.
    for (String url : List.of("redis://:pw@127.0.0.1:99999", "redis://:pw@127.0.0.1:0", "rediss://:pw@127.0.0.1:6379/abc",
        "redis://:pw@127.0.0.1:6379/0/1", "redis://:pw@pw@127.0.0.1:99999", "redis://:p/w@pw@127.0.0.1:99999")) {
      JsonObject wrong = new JsonObject().put("store", new JsonObject().put("redisUrl", url));
      assertThatThrownBy(() -> StoreSettings.from(wrong)).as(url).hasMessageContaining("REDIS_URL").hasMessageNotContaining("pw");
    }
    for (String url : List.of("redis://127.0.0.1", "redis://127.0.0.1:6379/", "rediss://localhost:6380/15")) {
      assertThat(StoreSettings.from(new JsonObject().put("store", new JsonObject().put("redisUrl", url))).redis().url())
        .isEqualTo(url);
    }
  }

  @Test
  @DisplayName("a node with peers and no REDIS_URL is warned loudly, naming REDIS_URL; one alone or with Redis is not")
  void sharingWarning() {
    assertThat(Main.sharingWarning(2, false)).hasValueSatisfying(w -> assertThat(w).contains("REDIS_URL", "PER NODE"));
    assertThat(Main.sharingWarning(1, false)).isEmpty();
    assertThat(Main.sharingWarning(3, true)).isEmpty();
  }
}
