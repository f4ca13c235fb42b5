package dev.skillbus.coaching;

import dev.skillbus.protocol.Address;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.spi.cluster.ClusteredNode;
import io.vertx.core.spi.cluster.RegistrationInfo;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Whether a user can receive right now anywhere in the cluster. Each node's bridge holds one
 * event-bus consumer on {@code user.<id>} exactly while one of its connections receives there, and
 * the cluster manager shares those subscriptions (and drops a dead node's), so the user is online
 * when any node is subscribed to their address. No state of our own to keep or clean up.
 */
final class UserPresence {

  private final ClusteredNode cluster;
  private final Context context;

  UserPresence(ClusteredNode cluster, Context context) {
    this.cluster = cluster;
    this.context = context;
  }

  /** True when some node is subscribed to {@code user.<userId>}; completes on the verticle's context. */
  Future<Boolean> online(String userId) {
    CompletableFuture<List<RegistrationInfo>> found = new CompletableFuture<>();
    cluster.getRegistrations(Address.user(userId), (registrations, err) -> {
      if (err != null) {
        found.completeExceptionally(err);
      } else {
        found.complete(registrations);
      }
    });
    return Future.fromCompletionStage(found, context)
      .map(registrations -> registrations.stream().anyMatch(r -> !r.localOnly()));
  }
}
