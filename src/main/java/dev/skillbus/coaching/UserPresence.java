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

/**
 * Where a user can receive right now. Each node's bridge holds one event-bus consumer on {@code
 * user.<id>} exactly while one of its connections receives there, and the cluster manager shares
 * those subscriptions, so the user can receive on the nodes subscribed to their address. A node that
 * died keeps its subscriptions in the cluster manager until it cleans them up after the node left:
 * only the nodes that are members of the cluster count. No state of our own to keep or clean up.
 */
final class UserPresence {

  private final ClusteredNode cluster;
  private final Context context;

  UserPresence(ClusteredNode cluster, Context context) {
    this.cluster = cluster;
    this.context = context;
  }

  /** The live nodes subscribed to {@code user.<userId>}; completes on the verticle's context. */
  Future<List<String>> nodes(String userId) {
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
