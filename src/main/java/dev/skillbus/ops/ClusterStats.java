package dev.skillbus.ops;

import dev.skillbus.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code GET /socket/stats} and {@code GET /metrics}, from every node. Stats: each node's counts
 * and counters under {@code nodes}, and under {@code total} their sums, with users and rooms
 * counted once however many nodes they are on. Metrics: every node's meters as one Prometheus
 * text, each sample labelled with its node, and {@code skillbus_node_up} saying which answered.
 */
final class ClusterStats {

  private final NodeCalls calls;
  private final LocalNode local;

  ClusterStats(NodeCalls calls, LocalNode local) {
    this.calls = calls;
    this.local = local;
  }

  /**
   * Made of the nodes' answers alone, so that a stalled node (whose share of the cluster's
   * membership cannot be read meanwhile) only makes the answer partial: it never holds it up.
   */
  Future<JsonObject> stats() {
    return calls.ask(LocalNode.STATS, new JsonObject()).map(replies -> {
      JsonArray nodes = new JsonArray();
      for (JsonObject node : replies.answers().values()) {
        JsonObject shown = node.copy();
        shown.remove("userIds");
        shown.remove("roomIds");
        nodes.add(shown);
      }
      JsonObject reply = new JsonObject()
        .put("clusterSize", calls.clusterSize())
        .put("total", total(replies))
        .put("nodes", nodes);
      return replies.describe(reply);
    });
  }

  private static JsonObject total(NodeReplies replies) {
    TreeSet<String> users = new TreeSet<>();
    TreeSet<String> rooms = new TreeSet<>();
    Map<String, Long> events = new TreeMap<>();
    Map<String, Long> refused = new TreeMap<>();
    long connections = 0;
    double[] traffic = new double[4];
    for (JsonObject node : replies.answers().values()) {
      connections += node.getLong("connections");
      node.getJsonArray("userIds").forEach(id -> users.add((String) id));
      node.getJsonArray("roomIds").forEach(id -> rooms.add((String) id));
      add(events, node.getJsonObject("events"));
      add(refused, node.getJsonObject("refused"));
      traffic[0] += node.getJsonObject("messagesIn").getLong("total");
      traffic[1] += node.getJsonObject("messagesIn").getDouble("perSecond");
      traffic[2] += node.getJsonObject("messagesOut").getLong("total");
      traffic[3] += node.getJsonObject("messagesOut").getDouble("perSecond");
    }
    return new JsonObject()
      .put("connections", connections)
      .put("users", users.size())
      .put("rooms", rooms.size())
      .put("messagesIn", LocalNode.traffic((long) traffic[0], Math.round(traffic[1] * 100) / 100.0))
      .put("messagesOut", LocalNode.traffic((long) traffic[2], Math.round(traffic[3] * 100) / 100.0))
      .put("events", LocalNode.counts(events))
      .put("refused", LocalNode.counts(refused));
  }

  private static void add(Map<String, Long> sums, JsonObject counts) {
    counts.forEach(e -> sums.merge(e.getKey(), ((Number) e.getValue()).longValue(), Long::sum));
  }

  /** {@code {scope?}}: {@code cluster} (the default) or {@code node}, this node alone. */
  Future<String> metrics(JsonObject body) {
    Object scope = body.getValue("scope");
    if ("node".equals(scope)) {
      return Future.succeededFuture(local.metricsText());
    }
    if (scope != null && !"cluster".equals(scope)) {
      throw ErrorCode.BAD_REQUEST.exception("'scope' must be cluster or node");
    }
    return calls.ask(LocalNode.METRICS, new JsonObject()).map(replies -> {
      List<String> texts = new ArrayList<>();
      texts.add(nodeUp(replies));
      replies.answers().values().forEach(reply -> texts.add(reply.getString("text")));
      return PrometheusText.merge(texts);
    });
  }

  private static String nodeUp(NodeReplies replies) {
    StringBuilder text = new StringBuilder("# HELP skillbus_node_up Whether the node answered this scrape in time\n")
      .append("# TYPE skillbus_node_up gauge\n");
    replies.answers().keySet().forEach(node -> text.append(sample(node, 1)));
    replies.missing().forEach(node -> text.append(sample(node, 0)));
    return text.toString();
  }

  private static String sample(String node, int up) {
    return "skillbus_node_up{" + PrometheusText.NODE_LABEL + "=\"" + PrometheusText.escape(node) + "\"} " + up + "\n";
  }
}
