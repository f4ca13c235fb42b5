package dev.skillbus.ops;

import static dev.skillbus.ops.LocalNode.DOWN;
import static dev.skillbus.ops.LocalNode.UP;

import dev.skillbus.cluster.Pauses;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * {@code GET /socket/health}: {@code {status, node, clusterSize, nodes, redis, uptime}}. The node
 * asked is {@code DOWN} when it cannot serve (its Redis is down), so a load balancer takes it out;
 * {@code DEGRADED} when it serves but a peer is down or did not answer in time, or when it is likely
 * cut off from the rest of its cluster after a pause of its own (see {@link Pauses#cutOff}); else {@code UP}.
 * {@code nodes} has each node's own {@code {node, status, redis, uptime}}, {@code MISSING} for one
 * that did not answer within {@link #PEER_WAIT_MS}: a node's own answer is at hand, and a probe
 * (a load balancer's, often given a second) must not wait on a stalled peer to learn this node
 * serves.
 */
final class ClusterHealth {

  static final String DEGRADED = "DEGRADED";
  static final String MISSING = "MISSING";
  /** How long the answer waits for each peer's; a node's own health is in memory, answered at once. */
  static final long PEER_WAIT_MS = 300;

  private final NodeCalls calls;
  private final LocalNode local;
  private final BooleanSupplier cutOff;

  ClusterHealth(NodeCalls calls, LocalNode local) {
    this(calls, local, Pauses.jvm()::cutOff);
  }

  /** {@code cutOff}: whether this node is likely cut off from its cluster after a pause (see {@link Pauses#cutOff}). */
  ClusterHealth(NodeCalls calls, LocalNode local, BooleanSupplier cutOff) {
    this.calls = calls;
    this.local = local;
    this.cutOff = cutOff;
  }

  Future<JsonObject> health() {
    JsonObject own = local.health();
    return calls.ask(LocalNode.HEALTH, new JsonObject(), PEER_WAIT_MS).map(replies -> {
      List<JsonObject> nodes = Stream.concat(replies.answers().values().stream(),
          replies.missing().stream().map(id -> new JsonObject().put("node", id).put("status", MISSING)))
        .sorted(Comparator.comparing(n -> n.getString("node")))
        .toList();
      boolean peerTrouble = nodes.stream().anyMatch(n -> !UP.equals(n.getString("status"))) || cutOff.getAsBoolean();
      String status = DOWN.equals(own.getString("status")) ? DOWN : peerTrouble ? DEGRADED : UP;
      return new JsonObject()
        .put("status", status)
        .put("node", local.nodeId())
        .put("clusterSize", calls.clusterSize())
        .put("nodes", new JsonArray(nodes))
        .put("redis", own.getString("redis"))
        .put("uptime", own.getLong("uptime"));
    });
  }
}
