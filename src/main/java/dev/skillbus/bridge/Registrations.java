package dev.skillbus.bridge;

import dev.skillbus.auth.Identity;
import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.Internal;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The addresses one connection is registered on ({@code room.<id>}, {@code user.<id>}), checked by
 * the guard and bounded in number, each added to the node's {@link LocalRooms}. A registration is
 * in place once the node's subscription is in the cluster (and, for the user's own address, once
 * the notifications queued while they were away were delivered); the connection's requests wait
 * for {@link #pending()}, so that a join sees its own room.
 */
final class Registrations {

  private static final Logger LOG = LoggerFactory.getLogger(Registrations.class);

  private final BridgeConnection connection;
  private final BridgeContext bridge;
  // A connection has a few (its rooms and its user's address; at most maxHandlersPerSocket): a list
  // is searched as fast as a hash set at that size, in a quarter of the memory.
  private final List<String> addresses = new ArrayList<>(2);
  private Future<Void> pending = Future.succeededFuture();
  private Future<Void> subscribed = Future.succeededFuture();

  Registrations(BridgeConnection connection, BridgeContext bridge) {
    this.connection = connection;
    this.bridge = bridge;
  }

  /** Every registration made so far is in place, the user's queued notifications delivered too. */
  Future<Void> pending() {
    return pending;
  }

  /**
   * Completes once {@link #pending()} does (whether or not a registration failed), unless the
   * subscriptions made so far are still not in place in the cluster after {@code timeoutMs}: then
   * it fails with a {@link TimeoutException}. A subscription waits on the cluster manager, whose
   * calls to a member that hangs last until Hazelcast's operation timeout; the user's queued
   * notifications are waited for without this bound (their delivery has its own). Listeners of one
   * future run in the order they were added, and so do those of the futures this answers. Off a
   * Vert.x thread ({@code context} null) it is not bounded.
   */
  Future<Void> ready(Context context, long timeoutMs) {
    if (pending.isComplete() || context == null) {
      return pending.otherwiseEmpty();
    }
    Future<Void> inCluster = subscribed;
    Promise<Void> ready = Promise.promise();
    long timer = context.owner().setTimer(timeoutMs, id -> {
      if (!inCluster.isComplete()) {
        ready.tryFail(new TimeoutException());
      }
    });
    pending.onComplete(v -> {
      context.owner().cancelTimer(timer);
      ready.tryComplete();
    });
    return ready.future();
  }

  /** Registers on an address for the caller; a failure (403, 429) is thrown, nothing changes. */
  void add(String address, Identity caller) {
    if (addresses.contains(address)) {
      return;
    }
    bridge.guard().checkRegister(caller, address);
    if (addresses.size() >= bridge.settings().maxHandlersPerSocket()) {
      throw ErrorCode.RATE_LIMITED.exception("at most " + bridge.settings().maxHandlersPerSocket() + " handlers per connection");
    }
    addresses.add(address);
    Future<Void> added = bridge.rooms().add(address, connection);
    subscribed = Future.join(subscribed, added).mapEmpty();
    if (address.startsWith(Address.USER_PREFIX)) {
      added = added.compose(v -> deliverQueued(caller));
    }
    pending = Future.join(pending, added).mapEmpty();
  }

  boolean contains(String address) {
    return addresses.contains(address);
  }

  void remove(String address) {
    if (addresses.remove(address)) {
      bridge.rooms().remove(address, connection);
    }
  }

  /** The connection closed: it leaves every address. */
  void removeAll() {
    for (String address : addresses) {
      bridge.rooms().remove(address, connection);
    }
    addresses.clear();
  }

  /**
   * Notifications queued while the user was away are delivered to the connection that now receives
   * on the user's address; its next requests wait for that, as they wait for registrations.
   */
  private Future<Void> deliverQueued(Identity caller) {
    return Internal.userRegistered(bridge.eventBus(), caller.userId(), connection.id(), bridge.settings().requestTimeoutMs())
      .recover(err -> {
        // No coaching service on this node (a bridge deployed alone) is not worth a warning.
        if (!(err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS)) {
          LOG.warn("Queued notifications of user {}: connection {} no longer waits for them ({}); what is not written to it"
            + " stays queued", caller.userId(), connection.id(), err.getMessage());
        }
        return Future.succeededFuture();
      });
  }
}
