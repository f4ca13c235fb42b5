package dev.skillbus.bridge;

import dev.skillbus.protocol.Header;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure every node, this one included, routes an address to this node before a registration
 * counts as in place. A node learns of a new subscription some milliseconds after it is stored
 * (Vert.x caches the cluster's subscriptions per node and per address, and refreshes them
 * asynchronously, at least 20 ms later), and that holds for its own subscriptions too: a node that
 * had already published on the address goes on routing it by its old list for that long, leaving
 * out its own new member. An event published in between would miss it. So this node publishes a
 * probe on the address itself and asks each peer to publish one, again every {@link #RETRY_MS} ms,
 * until a probe from every node has arrived here (a peer without a bridge, or gone from the
 * cluster, counts as done), or until {@code deadlineMs} passed, after which the registration
 * stands anyway and a warning is logged.
 */
final class Routes {

  private static final Logger LOG = LoggerFactory.getLogger(Routes.class);
  private static final long RETRY_MS = 10;
  private static final String ADDRESS = "address";

  private final Vertx vertx;
  private final String nodeId;
  private final Supplier<Collection<String>> clusterNodes;
  private final long deadlineMs;
  private final Map<String, Check> checks = new HashMap<>();

  Routes(Vertx vertx, String nodeId, Supplier<Collection<String>> clusterNodes, long deadlineMs) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.clusterNodes = clusterNodes;
    this.deadlineMs = deadlineMs;
  }

  static String requestAddress(String nodeId) {
    return "bridge.node." + nodeId + ".route";
  }

  /** Answers the peers' requests: publishes a probe on the address they ask about. */
  MessageConsumer<JsonObject> serve() {
    return vertx.eventBus().consumer(requestAddress(nodeId), this::probe);
  }

  private void probe(Message<JsonObject> request) {
    publishProbe(request.body().getString(ADDRESS));
    request.reply(null);
  }

  private void publishProbe(String address) {
    vertx.eventBus().publish(address, Buffer.buffer(), new DeliveryOptions().addHeader(Header.ROUTE_PROBE, nodeId));
  }

  /** Completes once every node routes {@code address} here (this node's subscription is in place). */
  Future<Void> confirm(String address) {
    Check check = checks.computeIfAbsent(address, a -> new Check(a, nodes()));
    return check.done.future();
  }

  /**
   * This node's subscription to {@code address} ended: its check, if one runs, ends now, so that
   * nothing waits out the deadline for a registration that is gone, and a later subscription to the
   * address starts a check of its own.
   */
  void cancel(String address) {
    Check check = checks.get(address);
    if (check != null) {
      check.finish();
    }
  }

  /** The nodes whose probes are waited for: the cluster's, and this one in any case. */
  private Set<String> nodes() {
    Set<String> nodes = new HashSet<>(clusterNodes.get());
    nodes.add(nodeId);
    return nodes;
  }

  /** A probe published by {@code peer} reached this node on {@code address}. */
  void probeArrived(String address, String peer) {
    Check check = checks.get(address);
    if (check != null) {
      check.confirmed(peer);
    }
  }

  private final class Check {
    final String address;
    final Set<String> waiting;
    // Peers with a request on its way: asked again only once it was answered and no probe came.
    final Set<String> asking = new HashSet<>();
    final Promise<Void> done = Promise.promise();
    final long deadline = System.nanoTime() + deadlineMs * 1_000_000;
    final long timer;

    Check(String address, Set<String> waiting) {
      this.address = address;
      this.waiting = waiting;
      this.timer = vertx.setPeriodic(RETRY_MS, id -> tick());
      ask();
    }

    /** Probes from here, and asks each peer still waited for that is not answering an earlier request. */
    void ask() {
      DeliveryOptions options = new DeliveryOptions().setSendTimeout(deadlineMs);
      for (String peer : Set.copyOf(waiting)) {
        if (peer.equals(nodeId)) {
          publishProbe(address);
          continue;
        }
        if (!asking.add(peer)) {
          continue;
        }
        vertx.eventBus().request(requestAddress(peer), new JsonObject().put(ADDRESS, address), options)
          .onComplete(answered -> asking.remove(peer))
          .onFailure(err -> {
            // A node without a bridge (every skillbus node runs one; a bridge can be deployed alone)
            // cannot be asked: it counts as done.
            if (err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
              confirmed(peer);
            }
          });
      }
    }

    void tick() {
      waiting.retainAll(nodes());
      if (waiting.isEmpty()) {
        finish();
      } else if (System.nanoTime() - deadline > 0) {
        LOG.warn("Nodes {} did not confirm routing {} to node {} within {} ms", waiting, address, nodeId, deadlineMs);
        finish();
      } else {
        ask();
      }
    }

    void confirmed(String peer) {
      if (waiting.remove(peer) && waiting.isEmpty()) {
        finish();
      }
    }

    void finish() {
      if (checks.remove(address, this)) {
        vertx.cancelTimer(timer);
        done.complete();
      }
    }
  }
}
