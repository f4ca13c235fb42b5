package dev.skillbus.ops;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * What the nodes answered to one operation: each answering node's reply, the nodes that did not
 * answer in time, and the first refusal (a 4xx) a node answered with, if any.
 */
record NodeReplies(Map<String, JsonObject> answers, List<String> missing, Throwable refusal) {

  /** These replies, or the refusal a node answered with. */
  Future<NodeReplies> unlessRefused() {
    return refusal == null ? Future.succeededFuture(this) : Future.failedFuture(refusal);
  }

  boolean complete() {
    return missing.isEmpty();
  }

  /** Adds {@code complete} and {@code missing} (the ids of the nodes that did not answer) to a reply. */
  JsonObject describe(JsonObject reply) {
    return reply.put("complete", complete()).put("missing", new JsonArray(List.copyOf(missing)));
  }
}
