package dev.skillbus.ops;

import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Asks every node of the cluster one of its own operations ({@link Address#opsNode}) at once, and
 * waits for each at most the node timeout: a node that does not answer in time (dead, stalled,
 * leaving) is reported missing rather than holding the answer up. Never fails.
 */
final class NodeCalls {

  /** How long a ping waits for its answer before the node is pinged again. */
  static final long PING_TIMEOUT_MS = 30_000;

  private final EventBus eventBus;
  private final ClusterManager cluster;
  private final long timeoutMs;
  /** The nodes pinged (see {@link #ping}), while they are members. */
  private final Set<String> pinged = new HashSet<>();

  NodeCalls(EventBus eventBus, ClusterManager cluster, long timeoutMs) {
    this.eventBus = eventBus;
    this.cluster = cluster;
    this.timeoutMs = timeoutMs;
  }

  int clusterSize() {
    return cluster.getNodes().size();
  }

  /** How long a call waits for each node, unless told otherwise. */
  long timeoutMs() {
    return timeoutMs;
  }

  /** Every node's answer to {@code operation}, nodes in id order. */
  Future<NodeReplies> ask(String operation, JsonObject body) {
    return ask(operation, body, timeoutMs);
  }

  /** The same, waiting for each node at most {@code waitMs}. */
  Future<NodeReplies> ask(String operation, JsonObject body, long waitMs) {
    Map<String, Future<JsonObject>> calls = new LinkedHashMap<>();
    String self = cluster.getNodeId();
    for (String node : cluster.getNodes().stream().sorted().toList()) {
      // The own node is reached without asking the cluster manager where it is: that lookup waits
      // on a member that hangs, and the own node's answer should not.
      DeliveryOptions options = new DeliveryOptions().setSendTimeout(waitMs).setLocalOnly(node.equals(self))
        .addHeader(LocalNode.OPERATION, operation);
      calls.put(node, eventBus.<JsonObject>request(Address.opsNode(node), body, options).map(Message::body));
    }
    return Future.join(new ArrayList<>(calls.values())).transform(done -> Future.succeededFuture(replies(calls)));
  }

  /**
   * Pings each other node not pinged yet (again, when the last ping failed), so that this node's
   * event bus knows where that node's address is before an operation needs it: finding out means
   * asking the cluster manager, which waits on a member that hangs when the address's entry is
   * on it, and would hold up a node that runs; once known, it is kept and kept up to date.
   */
  void ping() {
    String self = cluster.getNodeId();
    List<String> nodes = cluster.getNodes();
    pinged.retainAll(nodes);
    for (String node : nodes) {
      if (!node.equals(self) && pinged.add(node)) {
        DeliveryOptions options = new DeliveryOptions().setSendTimeout(PING_TIMEOUT_MS).addHeader(LocalNode.OPERATION, LocalNode.PING);
        eventBus.request(Address.opsNode(node), new JsonObject(), options).onFailure(err -> pinged.remove(node));
      }
    }
  }

  private static NodeReplies replies(Map<String, Future<JsonObject>> calls) {
    Map<String, JsonObject> answers = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    Throwable refusal = null;
    for (Map.Entry<String, Future<JsonObject>> call : calls.entrySet()) {
      Future<JsonObject> reply = call.getValue();
      if (reply.succeeded()) {
        answers.put(call.getKey(), reply.result());
      } else if (ErrorCode.of(reply.cause()).code() < 500) {
        // The node answered, and said no (a private room, say): that is the answer.
        refusal = refusal == null ? reply.cause() : refusal;
      } else {
        missing.add(call.getKey());
      }
    }
    return new NodeReplies(answers, missing, refusal);
  }
}
