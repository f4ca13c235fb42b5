package dev.skillbus.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.Set;

/**
 * Every node of a cluster must keep its store in the same place: a node with another Redis (or
 * another key prefix), or one keeping it in memory beside nodes that use Redis, would have rooms
 * whose history, seq and recovery differ by node, with nothing said. Each node writes where it
 * keeps its store into a Hazelcast map under its node id; a node that finds a member keeping it
 * elsewhere does not start; nor does one beside a node that keeps its store in its memory as this
 * one does (each would keep its own), unless {@code cluster.allowMemoryStores} lets both of them
 * (see Main's warning).
 */
public final class StoreAgreement {

  static final String MAP = "skillbus.node-stores";
  /** What a node keeping its store in its own memory writes. */
  public static final String MEMORY = "memory";
  /** What such a node writes when cluster.allowMemoryStores lets it form a cluster all the same. */
  static final String MEMORY_ALLOWED = "memory, allowMemoryStores";

  private final HazelcastInstance hazelcast;
  private final String nodeId;
  private final String target;

  /**
   * {@code target}: {@link #MEMORY}, or which Redis data the node reaches; {@code memoryAllowed}:
   * whether nodes that each keep their store in memory may form a cluster all the same.
   */
  public StoreAgreement(HazelcastInstance hazelcast, String target, boolean memoryAllowed) {
    this.hazelcast = hazelcast;
    this.nodeId = Nodes.localId(hazelcast);
    this.target = MEMORY.equals(target) && memoryAllowed ? MEMORY_ALLOWED : target;
  }

  /** Writes this node's store and fails, naming both, when a member keeps its store elsewhere. */
  public Future<Void> check(Vertx vertx) {
    return vertx.executeBlocking(() -> {
      IMap<String, String> stores = hazelcast.getMap(MAP);
      stores.set(nodeId, target);
      Set<String> live = Nodes.liveIds(hazelcast);
      for (Map.Entry<String, String> other : stores.entrySet()) {
        if (!live.contains(other.getKey())) {
          stores.delete(other.getKey()); // of a node that left without taking it out
        } else if (!other.getKey().equals(nodeId) && disagree(target, other.getValue())) {
          stores.delete(nodeId);
          if (inMemory(target) && inMemory(other.getValue())) {
            throw new IllegalStateException("this node and node " + other.getKey() + " of the cluster each keep their"
              + " store in their own memory (no REDIS_URL): each would have its own history of every room, and clients"
              + " of one room on different nodes would get each other's events numbered by two histories, which they"
              + " cannot order or recover. Set REDIS_URL to one Redis on every"
              + " node (or, for nodes that each keep their own, CLUSTER_ALLOW_MEMORY_STORES=true on every node)");
          }
          throw new IllegalStateException("this node keeps its store " + describe(target) + ", node " + other.getKey()
            + " of the cluster " + describe(other.getValue()) + ": every node of a cluster must use the same REDIS_URL"
            + " (database included) and REDIS_KEY_PREFIX");
        }
      }
      return null;
    }, false);
  }

  /** Takes this node's entry out, as it leaves the cluster. */
  public static Future<Void> leave(Vertx vertx, HazelcastInstance hazelcast) {
    return vertx.executeBlocking(() -> {
      hazelcast.getMap(MAP).delete(Nodes.localId(hazelcast));
      return null;
    }, false);
  }

  /** Nodes in memory agree only when both let nodes that each keep their own form a cluster. */
  static boolean disagree(String mine, String theirs) {
    if (inMemory(mine) && inMemory(theirs)) {
      return !(MEMORY_ALLOWED.equals(mine) && MEMORY_ALLOWED.equals(theirs));
    }
    return !mine.equals(theirs);
  }

  private static boolean inMemory(String target) {
    return MEMORY.equals(target) || MEMORY_ALLOWED.equals(target);
  }

  private static String describe(String target) {
    return inMemory(target) ? "in its own memory (no REDIS_URL)" : "in Redis at " + target;
  }
}
