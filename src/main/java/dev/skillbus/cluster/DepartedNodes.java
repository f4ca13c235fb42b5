package dev.skillbus.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cleans up after nodes that left the cluster, for one part of a node (its rooms, its course jobs).
 * The oldest node does it: at once when Hazelcast reports a node gone, and every check interval for
 * each node that the part's records still name and that is not in the cluster — one that died
 * before the oldest was listening, or while another node was cleaning up after it. A record goes
 * only once what it names was cleaned up, so a cleanup that fails or dies half-way is done again
 * later; the part's cleanup must therefore change nothing when it runs twice. A node that left this
 * node's view right after a long pause of this JVM is not cleaned up after until the sides merged
 * (see {@link Pauses}): it was not gone, this node was.
 *
 * <p>Created and used on the part's context.
 */
public final class DepartedNodes {

  private static final Logger LOG = LoggerFactory.getLogger(DepartedNodes.class);

  /** What one part recorded in the name of each node. */
  public interface Records {

    /** The ids of the nodes that records name. */
    Future<Collection<String>> nodes();

    /**
     * Cleans up after a node that left, removing each of its records once dealt with: true when it
     * found something of the node's to clean up (false when an earlier cleanup had done it all).
     */
    Future<Boolean> cleanUp(String nodeId);
  }

  private final Vertx vertx;
  private final Context context;
  private final HazelcastInstance hazelcast;
  private final String part;
  private final Records records;
  private final Runnable cleaned;
  private final Pauses pauses;
  /** The cleanups under way, by node. */
  private final Map<String, Future<Void>> cleaning = new HashMap<>();
  /** Nodes whose cleanup was asked for again while one was under way: it runs once more after. */
  private final Set<String> again = new HashSet<>();
  private UUID listener;
  private UUID merges;
  private long timer = -1;

  /**
   * {@code part} names the records in logs ("rooms", "course jobs"); {@code cleaned} is told of each
   * node cleaned up after.
   */
  public DepartedNodes(Vertx vertx, HazelcastInstance hazelcast, String part, Records records, Runnable cleaned) {
    this(vertx, hazelcast, part, records, cleaned, Pauses.jvm());
  }

  DepartedNodes(Vertx vertx, HazelcastInstance hazelcast, String part, Records records, Runnable cleaned, Pauses pauses) {
    this.pauses = pauses;
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.hazelcast = hazelcast;
    this.part = part;
    this.records = records;
    this.cleaned = cleaned;
  }

  /** Listens for nodes leaving, and checks the records every {@code checkMs}. */
  public void start(long checkMs) {
    listener = hazelcast.getCluster().addMembershipListener(new Departures());
    merges = hazelcast.getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
        pauses.merged();
      }
    });
    timer = vertx.setPeriodic(checkMs, id -> check());
    // Nodes that left while no part of this node listened yet, if this one is the oldest now.
    check();
  }

  /** Stops listening and checking; a cleanup under way runs to its end. */
  public void stop() {
    vertx.cancelTimer(timer);
    if (listener != null && hazelcast.getLifecycleService().isRunning()) {
      hazelcast.getCluster().removeMembershipListener(listener);
      hazelcast.getLifecycleService().removeLifecycleListener(merges);
    }
  }

  /** On the oldest node, cleans up after every node that the records name and that is gone. */
  public Future<Void> check() {
    if (!hazelcast.getLifecycleService().isRunning() || !Nodes.isOldest(hazelcast)) {
      return Future.succeededFuture();
    }
    return records.nodes().compose(named -> {
      Set<String> live = Nodes.liveIds(hazelcast);
      List<Future<Void>> cleanups = new ArrayList<>();
      for (String nodeId : named) {
        if (!live.contains(nodeId)) {
          cleanups.add(cleanUp(nodeId));
        }
      }
      return Future.join(cleanups).<Void>mapEmpty();
    }).onFailure(err -> LOG.warn("Could not check the {} of departed nodes: {}", part, err.toString()));
  }

  private Future<Void> cleanUp(String nodeId) {
    if (!pauses.trustsDeparture(nodeId)) {
      LOG.warn("Node {} left this node's view of the cluster right after this node was paused: not cleaning up its {}"
        + " (it is most likely alive; a check does once the sides merged, or in 10 minutes, if it is still gone)", nodeId, part);
      return Future.succeededFuture();
    }
    Future<Void> running = cleaning.get(nodeId);
    if (running != null) {
      // A later check may know more than the one under way started with (a scan of the rooms that
      // began before this node was seen gone finds none of its connections): it runs again after.
      again.add(nodeId);
      return running;
    }
    LOG.info("Node {} left the cluster: cleaning up its {}", nodeId, part);
    // Counted by what it found: a cleanup run again, or one begun by a check that read the records
    // before an earlier cleanup removed them, finds nothing left, and the node is counted once.
    Future<Void> cleanup = records.cleanUp(nodeId)
      .onSuccess(found -> {
        if (found) {
          cleaned.run();
        }
      })
      .onFailure(err -> LOG.error("Could not clean up the {} of node {}; trying again at the next check", part, nodeId, err))
      .mapEmpty();
    cleaning.put(nodeId, cleanup);
    cleanup.onComplete(ar -> {
      cleaning.remove(nodeId);
      if (again.remove(nodeId)) {
        cleanUp(nodeId);
      }
    });
    return cleanup;
  }

  /** Hazelcast calls this on its own thread, so we hop onto the part's context. */
  private final class Departures implements MembershipListener {

    @Override
    public void memberAdded(MembershipEvent event) {
      // Nothing to do: a new node records what it does as it does it.
    }

    @Override
    public void memberRemoved(MembershipEvent event) {
      String departed = Nodes.idOf(event.getMember());
      context.runOnContext(v -> {
        if (Nodes.isOldest(hazelcast)) {
          cleanUp(departed);
          // This node may have become the oldest with this departure: what the one before it left undone.
          check();
        }
      });
    }
  }
}
