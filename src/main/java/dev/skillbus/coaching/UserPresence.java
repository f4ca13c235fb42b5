package dev.skillbus.coaching;

import dev.skillbus.protocol.Address;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.spi.cluster.ClusteredNode;
import io.vertx.core.spi.cluster.RegistrationInfo;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a user can receive right now. Each node's bridge holds one event-bus consumer on {@code
 * user.<id>} exactly while one of its connections receives there, and the cluster manager shares
 * those subscriptions, so the user can receive on the nodes subscribed to their address. A node that
 * died keeps its subscriptions in the cluster manager until it cleans them up after the node left:
 * only the nodes that are members of the cluster count. No state of our own to keep or clean up.
 */
final class UserPresence {

  private static final Logger LOG = LoggerFactory.getLogger(UserPresence.class);
  /** At most one line per this long about lookups that ran late: while a member hangs, every one does. */
  static final long LATE_LOG_EVERY_MS = 10_000;

  private final ClusteredNode cluster;
  private final Context context;
  private final long lateLogEveryNanos;
  private long lateLoggedAt;
  private boolean lateLogged;
  private int lateNotLogged;

  UserPresence(ClusteredNode cluster, Context context) {
    this(cluster, context, LATE_LOG_EVERY_MS);
  }

  UserPresence(ClusteredNode cluster, Context context, long lateLogEveryMs) {
    this.cluster = cluster;
    this.context = context;
    this.lateLogEveryNanos = TimeUnit.MILLISECONDS.toNanos(lateLogEveryMs);
  }

  /** This node's id. */
  String self() {
    return cluster.getNodeId();
  }

  /**
   * The live nodes subscribed to {@code user.<userId>}, or every live node when the cluster manager
   * does not tell within {@code timeoutMs} (the member that holds those subscriptions hangs, or is
   * lost and not yet noticed: its calls wait for Hazelcast's operation timeout) or fails: asked, each
   * of them writes to the user's connections it holds, if any. Completes on the verticle's context.
   */
  Future<List<String>> nodes(String userId, long timeoutMs) {
    return registered(userId).timeout(timeoutMs, TimeUnit.MILLISECONDS).recover(err -> {
      late(userId, err);
      return Future.succeededFuture(List.copyOf(cluster.getNodes()));
    });
  }

  /** Says that a lookup ran late, once per {@link #LATE_LOG_EVERY_MS} with how many others did since. */
  private synchronized void late(String userId, Throwable err) {
    long now = System.nanoTime();
    if (lateLogged && now - lateLoggedAt < lateLogEveryNanos) {
      lateNotLogged++;
      return;
    }
    LOG.info("Where user {} receives is not known ({}): every node is asked{}", userId, err.toString(),
      lateNotLogged == 0 ? "" : "; so it was for " + lateNotLogged + " other lookups since the last such line");
    lateLogged = true;
    lateLoggedAt = now;
    lateNotLogged = 0;
  }

  private Future<List<String>> registered(String userId) {
    CompletableFuture<List<RegistrationInfo>> found = new CompletableFuture<>();
    cluster.getRegistrations(Address.user(userId), (registrations, err) -> {
      if (err != null) {
        found.completeExceptionally(err);
      } else {
        found.complete(registrations);
      }
    });
    return Future.fromCompletionStage(found, context).map(registrations -> {
      Set<String> live = new HashSet<>(cluster.getNodes());
      return registrations.stream().filter(r -> !r.localOnly()).map(RegistrationInfo::nodeId)
        .filter(live::contains).distinct().toList();
    });
  }
}
