package dev.skillbus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skillbus.testing.Servers;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What a node does with settings it cannot use: it does not start, and says which setting. */
@DisplayName("The settings")
class ConfigTest {

  private static final String NO_FILE = "src/test/resources/no-settings.json";

  @Test
  @DisplayName("a config file named by SKILLBUS_CONFIG that does not exist stops the start, with its path")
  void namedFileMissing() {
    assertThatThrownBy(() -> Config.load(Map.of("SKILLBUS_CONFIG", "conf/prod-typo.json")))
      .hasMessageContaining("SKILLBUS_CONFIG").hasMessageContaining(Path.of("conf/prod-typo.json").toAbsolutePath().toString());
    assertThat(Config.source(Map.of())).isEqualTo(Path.of(Config.DEFAULT_FILE).toAbsolutePath().toString());
    assertThat(Config.source(Map.of("SKILLBUS_CONFIG", "elsewhere/config.json"))).contains("SKILLBUS_CONFIG", "not a file");
  }

  @Test
  @DisplayName("a Hazelcast file named by CLUSTER_FILE that does not exist stops the start; unnamed, the jar holds the project's")
  void clusterFile() throws Exception {
    JsonObject cluster = new JsonObject().put("name", "config-test").put("file", "conf/no-cluster.xml");
    assertThatThrownBy(() -> ClusterNode.hazelcastConfig(cluster)).hasMessageContaining("CLUSTER_FILE")
      .hasMessageContaining("no-cluster.xml");
    assertThatThrownBy(() -> ClusterNode.start(cluster).await(30, TimeUnit.SECONDS)).hasMessageContaining("CLUSTER_FILE");
    try (var builtIn = ClusterNode.class.getClassLoader().getResourceAsStream(ClusterNode.BUILT_IN_CLUSTER_FILE)) {
      assertThat(builtIn).as("the jar's copy").isNotNull();
      assertThat(new String(builtIn.readAllBytes())).isEqualTo(Files.readString(Path.of(ClusterNode.DEFAULT_CLUSTER_FILE)));
    }
  }

  @Test
  @DisplayName("the shipped Hazelcast settings turn Hazelcast's own metrics off; a file of one's own may turn them on")
  void hazelcastMetrics(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    JsonObject shipped = new JsonObject().put("name", "config-test");
    assertThat(ClusterNode.hazelcastConfig(shipped).getMetricsConfig().isEnabled()).isFalse();
    Path own = dir.resolve("cluster.xml");
    String settings = Files.readString(Path.of(ClusterNode.DEFAULT_CLUSTER_FILE));
    assertThat(settings).contains("<metrics enabled=\"false\"/>");
    Files.writeString(own, settings.replace("<metrics enabled=\"false\"/>", "<metrics enabled=\"true\"/>"));
    JsonObject ownFile = new JsonObject().put("name", "config-test").put("file", own.toString());
    assertThat(ClusterNode.hazelcastConfig(ownFile).getMetricsConfig().isEnabled()).isTrue();
  }

  @Test
  @DisplayName("a number below its minimum stops the start, naming the setting and its variable")
  void minimums() {
    for (ConfigKeys.Override o : ConfigKeys.OVERRIDES) {
      Long min = ConfigKeys.MINIMUMS.get(o.path());
      if (o.type() != ConfigKeys.Type.INT || min == null || min == Long.MIN_VALUE) {
        continue;
      }
      String below = Long.toString(min - 1);
      assertThatThrownBy(() -> Config.load(Map.of("SKILLBUS_CONFIG", NO_FILE, o.env(), below))).as(o.env() + "=" + below)
        .hasMessageContaining(o.env()).hasMessageContaining(o.path()).hasMessageContaining("at least " + min);
      Config.load(Map.of("SKILLBUS_CONFIG", NO_FILE, o.env(), Long.toString(min)));
    }
    // Every numeric variable has its minimum.
    assertThat(ConfigKeys.OVERRIDES).filteredOn(o -> o.type() == ConfigKeys.Type.INT)
      .allSatisfy(o -> assertThat(ConfigKeys.MINIMUMS).containsKey(o.path()));
    for (String env : new String[] {"REQUEST_TIMEOUT_MS", "OPS_NODE_TIMEOUT_MS", "MAX_FRAME_BYTES", "SOCKET_PING_TIMEOUT",
      "REDIS_TIMEOUT_MS", "RATE_LIMIT_PER_SECOND", "MAX_ROOMS_PER_CONNECTION", "TOKEN_TTL_SECONDS"}) {
      assertThatThrownBy(() -> Config.load(Map.of("SKILLBUS_CONFIG", NO_FILE, env, "0"))).hasMessageContaining(env);
    }
  }

  @Test
  @DisplayName("a secret of the wrong type in the file stops the start, naming the setting but not repeating the secret")
  void secretTypes(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path file = dir.resolve("config.json");
    for (String setting : List.of("{\"course\": {\"openai\": {\"apiKey\": [\"sk-hunter2-1\"]}}}",
        "{\"bridge\": {\"auth\": {\"secret\": {\"value\": \"hunter2-jwt-0123456789\"}}}}",
        "{\"bridge\": {\"auth\": {\"adminKey\": [\"hunter2-admin-0123456789\"]}}}",
        "{\"store\": {\"redisUrl\": [\"redis://:hunter2@127.0.0.1\"]}}",
        "{\"course\": {\"openai\": {\"baseUrl\": 12345}}}")) {
      Files.writeString(file, setting);
      assertThatThrownBy(() -> Config.load(Map.of("SKILLBUS_CONFIG", file.toString()))).as(setting)
        .hasMessageContaining("must be a string").hasMessageContaining("not shown")
        .hasMessageNotContaining("hunter2").hasMessageNotContaining("12345");
    }
    // A secret written where its section goes.
    Files.writeString(file, "{\"bridge\": {\"auth\": \"hunter2-jwt-0123456789\"}}");
    assertThatThrownBy(() -> Config.load(Map.of("SKILLBUS_CONFIG", file.toString())))
      .hasMessageContaining("bridge.auth must be an object").hasMessageNotContaining("hunter2");
  }

  @Test
  @DisplayName("a log level the logging does not know stops the start, naming SKILLBUS_LOG_LEVEL; a known one in any case is taken")
  void logLevel() {
    assertThatThrownBy(() -> Config.load(Map.of("SKILLBUS_CONFIG", NO_FILE, "SKILLBUS_LOG_LEVEL", "bogus")))
      .hasMessageContaining("SKILLBUS_LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR, OFF, was 'bogus'");
    for (String level : List.of("warn", "INFO", "Debug")) {
      assertThat(Config.load(Map.of("SKILLBUS_CONFIG", NO_FILE, "SKILLBUS_LOG_LEVEL", level))).as(level).isNotNull();
    }
  }

  @Test
  @DisplayName("a value of the wrong type in the file stops the start, naming the setting")
  void types(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path file = dir.resolve("config.json");
    Files.writeString(file, "{\"session\": {\"maxRoomsPerConnection\": \"many\"}}");
    assertThatThrownBy(() -> Config.load(Map.of("SKILLBUS_CONFIG", file.toString())))
      .hasMessageContaining("session.maxRoomsPerConnection (MAX_ROOMS_PER_CONNECTION) must be an integer");
    Files.writeString(file, "{\"bridge\": {\"requestTimeoutMs\": 2.5}}");
    assertThatThrownBy(() -> Config.load(Map.of("SKILLBUS_CONFIG", file.toString()))).hasMessageContaining("REQUEST_TIMEOUT_MS");
    Files.writeString(file, "{\"bridge\": {\"dev\": \"no\"}}");
    assertThatThrownBy(() -> Config.load(Map.of("SKILLBUS_CONFIG", file.toString()))).hasMessageContaining("SKILLBUS_DEV")
      .hasMessageContaining("boolean");
    Files.writeString(file, "{\"cluster\": {\"allowMemoryStores\": \"yes\"}}");
    assertThatThrownBy(() -> Config.load(Map.of("SKILLBUS_CONFIG", file.toString()))).hasMessageContaining("CLUSTER_ALLOW_MEMORY_STORES")
      .hasMessageContaining("boolean");
    // A file's boolean may be written 1 or 0, as the environment's.
    Files.writeString(file, "{\"bridge\": {\"dev\": 0}, \"cluster\": {\"allowMemoryStores\": 1}}");
    JsonObject numbered = Config.load(Map.of("SKILLBUS_CONFIG", file.toString()));
    assertThat(numbered.getJsonObject("bridge").getBoolean("dev")).isFalse();
    assertThat(numbered.getJsonObject("cluster").getBoolean("allowMemoryStores")).isTrue();
    Files.writeString(file, "{\"bridge\": {\"dev\": 2}}");
    assertThatThrownBy(() -> Config.load(Map.of("SKILLBUS_CONFIG", file.toString()))).hasMessageContaining("SKILLBUS_DEV")
      .hasMessageContaining("boolean");
    // A section that is not an object is named, whether or not a variable overrides a setting in it.
    Files.writeString(file, "{\"session\": 5}");
    assertThatThrownBy(() -> Config.load(Map.of("SKILLBUS_CONFIG", file.toString())))
      .hasMessageContaining("session must be an object");
    assertThatThrownBy(() -> Config.load(Map.of("SKILLBUS_CONFIG", file.toString(), "HISTORY_MAX_EVENTS", "10")))
      .hasMessageContaining("session must be an object");
    Files.writeString(file, "{\"store\": {\"redis\": []}}");
    assertThatThrownBy(() -> Config.load(Map.of("SKILLBUS_CONFIG", file.toString())))
      .hasMessageContaining("store.redis must be an object");
    Files.writeString(file, "{\"cluster\": {\"members\": \"10.0.0.1\"}}");
    assertThatThrownBy(() -> Config.load(Map.of("SKILLBUS_CONFIG", file.toString()))).hasMessageContaining("CLUSTER_MEMBERS")
      .hasMessageContaining("was \"10.0.0.1\"");
    // A string where a number or a boolean goes reads as one, in quotes, not as the number it spells.
    Files.writeString(file, "{\"ops\": {\"pageSize\": \"10\"}, \"bridge\": {\"dev\": \"true\"}}");
    assertThatThrownBy(() -> Config.load(Map.of("SKILLBUS_CONFIG", file.toString())))
      .hasMessageEndingWith("must be a boolean, was \"true\"");
    Files.writeString(file, "{\"ops\": {\"pageSize\": \"10\"}}");
    assertThatThrownBy(() -> Config.load(Map.of("SKILLBUS_CONFIG", file.toString())))
      .hasMessageEndingWith("ops.pageSize (OPS_PAGE_SIZE) must be an integer, was \"10\"");
    // A whole number written with a point is a whole number.
    Files.writeString(file, "{\"store\": {\"maxValueBytes\": 250000.0}}");
    assertThat(Config.load(Map.of("SKILLBUS_CONFIG", file.toString())).getJsonObject("store").getInteger("maxValueBytes"))
      .isEqualTo(250_000);
    assertThatThrownBy(() -> Config.load(Map.of("SKILLBUS_CONFIG", NO_FILE, "EVENTBUS_PORT", "70000")))
      .hasMessageContaining("EVENTBUS_PORT").hasMessageContaining("at most 65535");
    // Beyond what an int holds: it would wrap around to a negative size.
    Files.writeString(file, "{\"bridge\": {\"maxFrameBytes\": 3000000000}}");
    assertThatThrownBy(() -> Config.load(Map.of("SKILLBUS_CONFIG", file.toString()))).hasMessageContaining("MAX_FRAME_BYTES")
      .hasMessageContaining("at most 2147483647");
  }

  @Test
  @DisplayName("a page size above its maximum stops the start, the maximum given or not (its default then)")
  void pageSizeAboveMaximum() throws Exception {
    for (JsonObject section : java.util.List.of(new JsonObject().put("coaching", new JsonObject().put("pageSize", 200)),
      new JsonObject().put("ops", new JsonObject().put("pageSize", 600)),
      new JsonObject().put("ops", new JsonObject().put("pageSize", 20).put("maxPageSize", 10)))) {
      JsonObject config = Servers.config("config-page-test", 6644, 6644, 6644).mergeIn(section);
      String name = section.containsKey("ops") ? "OPS_PAGE_SIZE" : "COACHING_PAGE_SIZE";
      assertThatThrownBy(() -> Skillbus.start(config).await(60, TimeUnit.SECONDS)).as(section.encode())
        .hasMessageContaining(name).hasMessageContaining("must not be above");
    }
    // Only a maximum below the default page size: the page size follows it.
    JsonObject smallPages = Servers.config("config-page-test", 6644, 6644, 6644)
      .put("coaching", new JsonObject().put("maxPageSize", 10)).put("ops", new JsonObject().put("maxPageSize", 10));
    Skillbus.start(smallPages).await(60, TimeUnit.SECONDS).close().await(30, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("a setting refused in a config given in code stops Skillbus.start before it joins a cluster")
  void checkedInCode() {
    JsonObject config = new JsonObject().put("bridge", new JsonObject().put("requestTimeoutMs", 0));
    assertThatThrownBy(() -> Skillbus.start(config).await(30, TimeUnit.SECONDS)).hasMessageContaining("REQUEST_TIMEOUT_MS");
  }

  @Test
  @DisplayName("an HTTP port already taken, or a CORS origin that is not one, stops the start naming the setting")
  void bridgeSettingsRefusedAtStart() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
      JsonObject config = Servers.config("config-bridge-test", 6643, 6643, 6643);
      config.getJsonObject("bridge").put("port", taken.getLocalPort()).put("host", "127.0.0.1");
      assertThatThrownBy(() -> Skillbus.start(config).await(60, TimeUnit.SECONDS))
        .hasMessageContaining("cannot listen on 127.0.0.1:" + taken.getLocalPort()).hasMessageContaining("HTTP_PORT");
    }
    JsonObject config = Servers.config("config-bridge-test", 6643, 6643, 6643);
    config.getJsonObject("bridge").put("cors", new JsonObject().put("origins", new io.vertx.core.json.JsonArray().add("not a url")));
    assertThatThrownBy(() -> Skillbus.start(config).await(60, TimeUnit.SECONDS))
      .hasMessageContaining("SOCKET_CORS_ORIGIN").hasMessageContaining("'not a url' is not an origin");
  }

  @Test
  @DisplayName("a join time limit not below the request timeout stops the start before it joins a cluster, naming both")
  void joinTimeoutBelowRequestTimeout() {
    Future<Skillbus> started = Skillbus.start(new JsonObject().put("session", new JsonObject().put("joinTimeoutMs", 10_000)));
    // Failed as it returns: refused before a cluster was joined.
    assertThat(started.failed()).isTrue();
    assertThat(started.cause()).hasMessageContaining("session.joinTimeoutMs").hasMessageContaining("REQUEST_TIMEOUT_MS");
  }

  @Test
  @DisplayName("outside dev mode, a missing or short JWT secret or a short admin key stops the start before it joins a cluster")
  void secretsBeforeTheCluster() {
    for (JsonObject bridge : List.of(new JsonObject().put("dev", false),
        new JsonObject().put("dev", false).put("auth", new JsonObject().put("secret", "short")),
        new JsonObject().put("auth", new JsonObject().put("adminKey", "short")))) {
      Future<Skillbus> started = Skillbus.start(new JsonObject().put("bridge", bridge));
      assertThat(started.failed()).as(bridge.encode()).isTrue();
      assertThat(started.cause().getMessage()).as(bridge.encode()).containsAnyOf("JWT_SECRET", "SKILLBUS_ADMIN_KEY");
    }
  }

  @Test
  @DisplayName("a notification delivery time limit not below the request timeout stops the start before it joins a cluster, naming both")
  void deliveryTimeoutBelowRequestTimeout() {
    Future<Skillbus> started = Skillbus.start(new JsonObject().put("coaching", new JsonObject().put("deliveryTimeoutMs", 10_000)));
    assertThat(started.failed()).isTrue();
    assertThat(started.cause()).hasMessageContaining("coaching.deliveryTimeoutMs (NOTIFY_DELIVERY_TIMEOUT_MS, 10000) must be below")
      .hasMessageContaining("REQUEST_TIMEOUT_MS");
  }

  @Test
  @DisplayName("EVENTBUS_PORT sets the port the node's event bus listens on for its peers")
  void eventBusPort() throws Exception {
    int port = 6642;
    JsonObject cluster = new JsonObject().put("name", "config-test-" + System.nanoTime()).put("port", 6641)
      .put("members", new io.vertx.core.json.JsonArray().add("127.0.0.1:6641")).put("eventBusPort", port);
    ClusterNode node = ClusterNode.start(cluster).await(60, TimeUnit.SECONDS);
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      assertThat(socket.isConnected()).isTrue();
    } finally {
      node.close().await(30, TimeUnit.SECONDS);
    }
  }
}
