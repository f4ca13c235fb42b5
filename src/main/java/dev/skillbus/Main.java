package dev.skillbus;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a skillbus node: reads the config, joins the Hazelcast cluster, deploys the verticles.
 * On SIGTERM the node's connections leave their rooms (peers see {@code user-left}) before the
 * node leaves the cluster.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);
  private static final long SHUTDOWN_SECONDS = 30;

  private Main() {
  }

  public static void main(String[] args) {
    Skillbus node;
    try {
      node = Skillbus.start(Config.load(System.getenv())).await(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.error("skillbus could not start: {}", e.getMessage());
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(node), "skillbus-shutdown"));
    int members = node.node().clusterManager().getNodes().size();
    if (members > 1) {
      LOG.warn("This node joined a cluster of {} nodes with the in-memory store: room history is per node,"
        + " so seq and recovery are not shared across nodes. Run a cluster with REDIS_URL set.", members);
    }
    LOG.info("skillbus node {} started: http://localhost:{}/", node.node().nodeId(), node.port());
  }

  private static void shutdown(Skillbus node) {
    LOG.info("Shutting down node {}", node.node().nodeId());
    try {
      node.close().await(SHUTDOWN_SECONDS, TimeUnit.SECONDS);
      LOG.info("Node {} left the cluster", node.node().nodeId());
    } catch (Exception e) {
      LOG.warn("Shutdown did not finish cleanly: {}", e.toString());
    }
  }
}
