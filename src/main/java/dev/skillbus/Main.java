package dev.skillbus;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
  private static final long START_SECONDS = 120;

  private Main() {
  }

  public static void main(String[] args) {
    Skillbus node;
    blankLogLevelIsUnset(System.getenv(Config.LOG_LEVEL));
    try {
      LOG.info("Settings: {}", Config.source(System.getenv()));
      node = Skillbus.start(Config.load(System.getenv())).await(START_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.error("skillbus could not start: {}", whyNotStarted(e));
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(node), "skillbus-shutdown"));
    sharingWarning(node.node().clusterManager().getNodes().size(), node.stores().shared()).ifPresent(LOG::warn);
    LOG.info("skillbus node {} started: http://localhost:{}/", node.node().nodeId(), node.port());
  }

  /**
   * A blank {@code SKILLBUS_LOG_LEVEL} is unset, as every blank setting is: INFO. The logging's own
   * configuration ({@code logback.xml}) reads the variable, and takes an empty one for DEBUG.
   */
  static void blankLogLevelIsUnset(String level) {
    if (level != null && level.isBlank()
        && LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
      root.setLevel(ch.qos.logback.classic.Level.INFO);
    }
  }

  /** What the log says when a node did not start; never "null". */
  static String whyNotStarted(Throwable failure) {
    if (failure instanceof TimeoutException) {
      return "not started within " + START_SECONDS + " s; the log above says what it was waiting for"
        + " (most often joining the cluster: a member at CLUSTER_MEMBERS that accepts connections but"
        + " does not answer, such as a stopped process, holds the join up)";
    }
    return failure.getMessage() != null ? failure.getMessage() : failure.getClass().getName();
  }

  /**
   * The warning for a node that joined peers while keeping its data in its own memory: each node
   * then has its own history (seq, recovery) and documents, which a cluster must not have.
   */
  static Optional<String> sharingWarning(int members, boolean sharedStore) {
    if (members < 2 || sharedStore) {
      return Optional.empty();
    }
    String line = "*".repeat(100);
    return Optional.of(String.join(System.lineSeparator(), "", line,
      "*** This node joined a cluster of " + members + " nodes WITHOUT REDIS_URL: it keeps its store in memory.",
      "*** Room history, seq, recovery, documents, lists and inboxes are PER NODE: a client that reconnects",
      "*** to another node loses what it missed, each node sees different data, and clients of one room on",
      "*** different nodes get each other's events numbered by two histories, which clients cannot order",
      "*** or recover (cluster.allowMemoryStores is on).",
      "*** Set REDIS_URL=redis://[:password@]host:port[/db] on every node of a cluster.",
      line));
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
