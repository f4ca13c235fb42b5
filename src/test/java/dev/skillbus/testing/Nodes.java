package dev.skillbus.testing;

import dev.skillbus.ClusterNode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Clustered nodes for one test class, on loopback. Each test class uses its own cluster name and
 * its own block of six Hazelcast ports from {@code basePort} (pick a distinct one in 5801..5899), so
 * that test classes never join each other's cluster. Close them all in {@code @AfterAll}.
 *
 * <pre>{@code
 * static final Nodes NODES = new Nodes("session-test", 5810);
 * ClusterNode node = NODES.start().await();
 * ...
 * NODES.closeAll().await();
 * }</pre>
 */
public final class Nodes {

  private static final int PORTS = 6;

  private final String clusterName;
  private final int basePort;
  private final List<ClusterNode> started = new ArrayList<>();

  public Nodes(String clusterName, int basePort) {
    this.clusterName = clusterName;
    this.basePort = basePort;
  }

  /** Starts one more node of this cluster; it joins the ones already running. */
  public Future<ClusterNode> start() {
    // One member entry per port: Hazelcast 5.3 does not parse a port range ("host:5810-5815").
    JsonArray members = new JsonArray();
    for (int port = basePort; port < basePort + PORTS; port++) {
      members.add("127.0.0.1:" + port);
    }
    JsonObject cluster = new JsonObject().put("name", clusterName).put("port", basePort).put("members", members);
    return ClusterNode.start(cluster).onSuccess(node -> {
      synchronized (started) {
        started.add(node);
      }
    });
  }

  /**
   * Closes one node gracefully (its verticles stop first). Call it from the test thread, not from a
   * callback on a Vert.x thread: the close completes on the closing node's own context, and that
   * completion is lost when a listener is chained on it from an event loop.
   */
  public Future<Void> close(ClusterNode node) {
    synchronized (started) {
      started.remove(node);
    }
    return node.close();
  }

  /** Closes every node started here that is still running (a terminated one closes quietly). */
  public Future<Void> closeAll() {
    List<Future<Void>> closing = new ArrayList<>();
    synchronized (started) {
      started.forEach(node -> closing.add(node.close().timeout(30, TimeUnit.SECONDS).otherwiseEmpty()));
      started.clear();
    }
    return Future.join(closing).mapEmpty();
  }
}
