package dev.skillbus.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import java.util.Iterator;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The nodes of the cluster, named by the id Vert.x gives each node ({@code ClusterManager.getNodeId()},
 * the {@code node} of health, metrics and logs). What a node writes into Hazelcast in its own name
 * (its rooms, its course jobs) is written under this id, not under Hazelcast's member UUID: a member
 * gets a new UUID when it rejoins after a split-brain merge, and what it wrote before would then belong
 * to nobody.
 */
public final class Nodes {

  /** The member attribute in which the Vert.x Hazelcast cluster manager publishes each node's id. */
  static final String NODE_ID_ATTRIBUTE = "__vertx.nodeId";

  private Nodes() {
  }

  /** The node id of a member (its Hazelcast UUID for a member that Vert.x did not start). */
  public static String idOf(Member member) {
    String id = member.getAttribute(NODE_ID_ATTRIBUTE);
    return id != null ? id : member.getUuid().toString();
  }

  /** This node's id. */
  public static String localId(HazelcastInstance hazelcast) {
    return idOf(hazelcast.getCluster().getLocalMember());
  }

  /** The ids of the nodes in the cluster now. */
  public static Set<String> liveIds(HazelcastInstance hazelcast) {
    return hazelcast.getCluster().getMembers().stream().map(Nodes::idOf).collect(Collectors.toSet());
  }

  /** True while {@code nodeId} is in the cluster. */
  public static boolean isLive(HazelcastInstance hazelcast, String nodeId) {
    return hazelcast.getCluster().getMembers().stream().anyMatch(m -> idOf(m).equals(nodeId));
  }

  /**
   * True on the oldest node of the cluster, the one that cleans up after nodes that left: every
   * member sees the members in the same order, oldest first, so at most one at a time thinks so.
   */
  public static boolean isOldest(HazelcastInstance hazelcast) {
    Iterator<Member> members = hazelcast.getCluster().getMembers().iterator();
    return members.hasNext() && members.next().localMember();
  }
}
