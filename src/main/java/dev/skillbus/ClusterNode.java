package dev.skillbus;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.XmlConfigBuilder;
import com.hazelcast.core.HazelcastInstance;
import dev.skillbus.ops.Metrics;
import dev.skillbus.session.RoomSerializers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.transport.Transport;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A clustered Vert.x instance on Hazelcast. The Hazelcast file ({@code conf/cluster.xml}, or the one
 * shipped with vertx-hazelcast) holds the data-structure settings; the cluster name, host, port and
 * member list come from config so that several nodes run side by side on one machine. Each node has
 * its own {@link Metrics}, into which its Vert.x records (event bus, HTTP, pools, JVM) unless the
 * {@code metrics} config says {@code "vertx": false}.
 */
public record ClusterNode(Vertx vertx, HazelcastClusterManager clusterManager, Metrics metrics) {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);

  public static final String DEFAULT_CLUSTER_FILE = "conf/cluster.xml";
  /** The copy of {@link #DEFAULT_CLUSTER_FILE} that the build puts into the jar. */
  static final String BUILT_IN_CLUSTER_FILE = "skillbus/cluster.xml";
  private static final Pattern PORT_RANGE = Pattern.compile("(.+):(\\d+)-(\\d+)");

  /** How far this node's clock may be off the cluster's before its start says so. */
  static final long CLOCK_SKEW_WARN_MS = 1000;

  /** Starts a clustered Vert.x with the {@code cluster} section of the config, Vert.x metrics on. */
  public static Future<ClusterNode> start(JsonObject cluster) {
    return start(cluster, new JsonObject());
  }

  /** Starts a clustered Vert.x with the {@code cluster} and {@code metrics} sections of the config. */
  public static Future<ClusterNode> start(JsonObject cluster, JsonObject metricsConfig) {
    Transport transport;
    Config hazelcast;
    try {
      transport = transport(cluster.getString("transport", "native"));
      hazelcast = hazelcastConfig(cluster);
    } catch (IllegalArgumentException | IllegalStateException e) {
      return Future.failedFuture(e);
    }
    HazelcastCallbacks.install();
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcast);
    Metrics metrics = Metrics.create();
    VertxOptions options = new VertxOptions();
    // The event bus's own TCP port between nodes: any free one unless set (a firewall needs it set).
    options.getEventBusOptions().setPort(cluster.getInteger("eventBusPort", 0));
    VertxBuilder builder = Vertx.builder().withClusterManager(manager).withTransport(transport);
    if (metricsConfig.getBoolean("vertx", true)) {
      options.setMetricsOptions(new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        // Registries are shared by name within a JVM: each node (several in tests) needs its own.
        .setRegistryName("skillbus-" + UUID.randomUUID()));
      builder.withMetrics(new MicrometerMetricsFactory(metrics.registry()));
    }
    builder.with(options);
    return builder.buildClustered().map(vertx -> {
      LOG.info("Network transport: {}", transport.name());
      warnOfClockSkew(manager.getHazelcastInstance());
      return new ClusterNode(vertx, manager, metrics);
    });
  }

  /**
   * Says so when this node's clock is off the cluster's (the oldest member's, as Hazelcast measured
   * it at the join) by more than {@link #CLOCK_SKEW_WARN_MS}: the deadlines of requests that any node
   * may serve are read in each node's own clock (see {@link dev.skillbus.protocol.Deadline}).
   */
  private static void warnOfClockSkew(HazelcastInstance hazelcast) {
    String warning = clockSkewWarning(hazelcast.getCluster().getClusterTime(), System.currentTimeMillis());
    if (warning != null) {
      LOG.warn(warning);
    }
  }

  /** What to say of a clock reading {@code now} when the cluster's reads {@code clusterTime}; null: nothing. */
  static String clockSkewWarning(long clusterTime, long now) {
    long skew = clusterTime - now;
    if (Math.abs(skew) <= CLOCK_SKEW_WARN_MS) {
      return null;
    }
    return "This node's clock is " + Math.abs(skew) + " ms " + (skew > 0 ? "behind" : "ahead of") + " the cluster's:"
      + " keep the nodes' clocks in step (NTP), else a request handed to another node may be taken as too late"
      + " (503), or a late one as in time";
  }

  /**
   * The network transport named by {@code cluster.transport}: {@code nio} (Java's, everywhere),
   * {@code epoll} or {@code io_uring} (Linux, through Netty's native libraries), or {@code native}
   * for the best one this machine has, falling back to {@code nio} with a warning.
   */
  static Transport transport(String name) {
    Transport transport = named(name);
    if (transport != null && transport.available()) {
      return transport;
    }
    String cause = transport == null || transport.unavailabilityCause() == null
      ? "not supported on this system" : transport.unavailabilityCause().toString();
    if ("native".equals(name)) {
      LOG.warn("No native transport on this system ({}): using nio", cause);
      return Transport.NIO;
    }
    throw new IllegalArgumentException("cluster.transport " + name + " is not available: " + cause);
  }

  /** The transport a {@code cluster.transport} value names, available or not (null: none loaded). */
  static Transport named(String name) {
    return switch (name) {
      case "nio" -> Transport.NIO;
      case "epoll" -> Transport.EPOLL;
      case "io_uring" -> Transport.IO_URING;
      case "native" -> Transport.nativeTransport();
      default -> throw new IllegalArgumentException("cluster.transport must be nio, epoll, io_uring or native, not '" + name + "'");
    };
  }

  public HazelcastInstance hazelcast() {
    return clusterManager.getHazelcastInstance();
  }

  public String nodeId() {
    return clusterManager.getNodeId();
  }

  /** Leaves the cluster: undeploys every verticle, then closes the event bus and Hazelcast. */
  public Future<Void> close() {
    return vertx.close();
  }

  static Config hazelcastConfig(JsonObject cluster) {
    Config config = loadFile(cluster.getString("file"));
    config.setClusterName(cluster.getString("name", "skillbus"));
    // We order shutdown ourselves: connections leave their rooms before the node leaves the cluster.
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    RoomSerializers.register(config.getSerializationConfig());
    NetworkConfig network = config.getNetworkConfig();
    String host = cluster.getString("host", "127.0.0.1");
    network.setPort(cluster.getInteger("port", 5701));
    network.setPortAutoIncrement(cluster.getBoolean("portAutoIncrement", true));
    network.getInterfaces().setEnabled(true).clear().addInterface(host);
    config.setProperty("hazelcast.socket.bind.any", "false");
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).getMembers().clear();
    JsonArray members = cluster.getJsonArray("members", new JsonArray().add(host));
    members.forEach(member -> expand(member.toString()).forEach(join.getTcpIpConfig()::addMember));
    return config;
  }

  /** {@code host:5701-5703} → each port; Hazelcast itself accepts no port range here. */
  static List<String> expand(String member) {
    Matcher range = PORT_RANGE.matcher(member.trim());
    if (!range.matches()) {
      return List.of(member.trim());
    }
    int from = Integer.parseInt(range.group(2));
    int to = Integer.parseInt(range.group(3));
    List<String> members = new ArrayList<>();
    for (int port = from; port <= Math.min(to, from + 100); port++) {
      members.add(range.group(1) + ":" + port);
    }
    return members;
  }

  /**
   * The Hazelcast settings of {@code file} (CLUSTER_FILE), which must exist when named; unnamed,
   * those of {@link #DEFAULT_CLUSTER_FILE}, or where there is none (a node started from another
   * directory) the same file's copy in the jar.
   */
  private static Config loadFile(String file) {
    Path path = Path.of(file == null ? DEFAULT_CLUSTER_FILE : file);
    if (file != null && !Files.isRegularFile(path)) {
      throw new IllegalStateException("cluster.file (CLUSTER_FILE) names " + path.toAbsolutePath() + ", which is not a file");
    }
    try (InputStream in = Files.isRegularFile(path)
      ? new FileInputStream(path.toFile())
      : ClusterNode.class.getClassLoader().getResourceAsStream(BUILT_IN_CLUSTER_FILE)) {
      return new XmlConfigBuilder(in).build();
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("Cannot read the Hazelcast settings " + path + ": " + e.getMessage(), e);
    }
  }
}
