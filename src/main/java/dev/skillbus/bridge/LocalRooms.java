package dev.skillbus.bridge;

import dev.skillbus.protocol.Header;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * This node's outbound subscriptions: at most one event-bus consumer per {@code room.<id>} or
 * {@code user.<id>} address, held while a local socket is registered there. An event crosses the
 * cluster once per node, is wrapped into a bridge frame once, and is written to each local member.
 * Per-socket consumers would put one cluster subscription per socket per room into Hazelcast.
 */
final class LocalRooms {

  private final EventBus eventBus;
  private final Routes routes;
  private final Map<String, Subscription> subscriptions = new HashMap<>();

  LocalRooms(EventBus eventBus, Routes routes) {
    this.eventBus = eventBus;
    this.routes = routes;
  }

  /**
   * Adds a connection to an address; completes when the node's subscription is in the cluster and
   * every other node routes the address here, so that no event published after that misses it.
   */
  Future<Void> add(String address, BridgeConnection connection) {
    Subscription subscription = subscriptions.computeIfAbsent(address, Subscription::new);
    subscription.add(connection);
    return subscription.ready;
  }

  /** Removes a connection; the node's subscription ends with its last local member. */
  void remove(String address, BridgeConnection connection) {
    Subscription subscription = subscriptions.get(address);
    if (subscription != null && subscription.remove(connection) && subscription.members.length == 0) {
      subscriptions.remove(address);
      subscription.ended = true;
      subscription.consumer.unregister();
      routes.cancel(address);
    }
  }

  /**
   * Writes one event to one member of an address, if it is registered there; answers whether it was
   * written (not when the connection is gone, or was closed as too slow instead).
   */
  boolean deliverTo(String address, String connId, Buffer envelope) {
    Subscription subscription = subscriptions.get(address);
    BridgeConnection member = subscription == null ? null : subscription.member(connId);
    if (member == null) {
      return false;
    }
    OutFrame frame = subscription.frame(envelope);
    boolean written = member.deliver(frame, false);
    frame.release();
    return written;
  }

  /** The member {@code connId} of an address, or null when no such connection is registered there. */
  BridgeConnection member(String address, String connId) {
    Subscription subscription = subscriptions.get(address);
    return subscription == null ? null : subscription.member(connId);
  }

  /** A member of an address other than {@code exceptConnId} (may be null), or null when there is none. */
  BridgeConnection memberOtherThan(String address, String exceptConnId) {
    Subscription subscription = subscriptions.get(address);
    if (subscription != null) {
      for (BridgeConnection member : subscription.members) {
        if (!member.id().equals(exceptConnId)) {
          return member;
        }
      }
    }
    return null;
  }

  /**
   * Writes one event to a member of an address if it is registered there still, and completes once
   * its transport wrote it: true then, false when it is not a member or closed first.
   */
  Future<Boolean> deliverConfirmed(String address, BridgeConnection member, Buffer envelope) {
    Subscription subscription = subscriptions.get(address);
    if (subscription == null || subscription.member(member.id()) != member) {
      return Future.succeededFuture(false);
    }
    OutFrame frame = subscription.frame(envelope);
    Future<Boolean> written = member.deliverConfirmed(frame);
    frame.release();
    return written;
  }

  /** The members of an address, none when nobody is registered there. */
  List<BridgeConnection> members(String address) {
    Subscription subscription = subscriptions.get(address);
    return subscription == null ? List.of() : List.of(subscription.members);
  }

  int addressCount() {
    return subscriptions.size();
  }

  private final class Subscription {
    final Buffer prefix;
    // Copied on change: events outnumber joins and leaves by far, and a write that closes a slow
    // socket (which removes it) cannot disturb the fan-out iterating the previous array.
    BridgeConnection[] members = new BridgeConnection[0];
    final String address;
    final MessageConsumer<Buffer> consumer;
    final Future<Void> ready;
    // Not derived from the map: the constructor runs inside computeIfAbsent, before the map holds
    // it, and the consumer may be in place by then.
    boolean ended;

    Subscription(String address) {
      this.address = address;
      this.prefix = Frames.recPrefix(address);
      this.consumer = eventBus.consumer(address, this::fanOut);
      // A subscription that ended before its consumer was in place has nothing left to route.
      this.ready = consumer.completion().compose(v -> ended ? Future.succeededFuture() : routes.confirm(address));
    }

    void add(BridgeConnection connection) {
      if (!Arrays.asList(members).contains(connection)) {
        BridgeConnection[] grown = Arrays.copyOf(members, members.length + 1);
        grown[members.length] = connection;
        members = grown;
      }
    }

    BridgeConnection member(String connId) {
      for (BridgeConnection member : members) {
        if (member.id().equals(connId)) {
          return member;
        }
      }
      return null;
    }

    boolean remove(BridgeConnection connection) {
      int at = Arrays.asList(members).indexOf(connection);
      if (at < 0) {
        return false;
      }
      BridgeConnection[] shrunk = new BridgeConnection[members.length - 1];
      System.arraycopy(members, 0, shrunk, 0, at);
      System.arraycopy(members, at + 1, shrunk, at, members.length - at - 1);
      members = shrunk;
      return true;
    }

    OutFrame frame(Buffer envelope) {
      return new OutFrame(Buffer.buffer(prefix.length() + envelope.length() + 1)
        .appendBuffer(prefix).appendBuffer(envelope).appendBuffer(Frames.recSuffix()));
    }

    void fanOut(Message<Buffer> message) {
      MultiMap headers = message.headers();
      String probe = headers.get(Header.ROUTE_PROBE);
      if (probe != null) {
        routes.probeArrived(address, probe);
        return;
      }
      write(message.body(), headers.contains(Header.VOLATILE), headers.get(Header.ORIGIN_CONN));
    }

    /** Writes an event to each member but {@code origin} (may be null); a closed or too slow one drops it. */
    void write(Buffer envelope, boolean isVolatile, String origin) {
      OutFrame frame = frame(envelope);
      for (BridgeConnection member : members) {
        if (origin == null || !origin.equals(member.id())) {
          member.deliver(frame, isVolatile);
        }
      }
      frame.release();
    }
  }
}
