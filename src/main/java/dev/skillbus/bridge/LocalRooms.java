package dev.skillbus.bridge;

import dev.skillbus.protocol.Header;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
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
  private final Map<String, Subscription> subscriptions = new HashMap<>();

  LocalRooms(EventBus eventBus) {
    this.eventBus = eventBus;
  }

  /** Adds a connection to an address; completes when the node's subscription is in the cluster. */
  Future<Void> add(String address, BridgeConnection connection) {
    Subscription subscription = subscriptions.computeIfAbsent(address, Subscription::new);
    if (!subscription.members.contains(connection)) {
      subscription.members.add(connection);
    }
    return subscription.consumer.completion();
  }

  /** Removes a connection; the node's subscription ends with its last local member. */
  void remove(String address, BridgeConnection connection) {
    Subscription subscription = subscriptions.get(address);
    if (subscription != null && subscription.members.remove(connection) && subscription.members.isEmpty()) {
      subscriptions.remove(address);
      subscription.consumer.unregister();
    }
  }

  /** Writes one event to one member of an address, if it is registered there. */
  boolean deliverTo(String address, String connId, Buffer envelope) {
    Subscription subscription = subscriptions.get(address);
    if (subscription == null) {
      return false;
    }
    for (BridgeConnection member : subscription.members) {
      if (member.id().equals(connId)) {
        OutFrame frame = subscription.frame(envelope);
        member.deliver(frame, false);
        frame.release();
        return true;
      }
    }
    return false;
  }

  int addressCount() {
    return subscriptions.size();
  }

  private final class Subscription {
    final Buffer prefix;
    // A list: iteration is the hot path, and a socket registers an address at most once.
    final List<BridgeConnection> members = new ArrayList<>(4);
    final MessageConsumer<Buffer> consumer;

    Subscription(String address) {
      this.prefix = Frames.recPrefix(address);
      this.consumer = eventBus.consumer(address, this::fanOut);
    }

    OutFrame frame(Buffer envelope) {
      return new OutFrame(Buffer.buffer(prefix.length() + envelope.length() + 1)
        .appendBuffer(prefix).appendBuffer(envelope).appendBuffer(Frames.recSuffix()));
    }

    void fanOut(Message<Buffer> message) {
      OutFrame frame = frame(message.body());
      MultiMap headers = message.headers();
      boolean isVolatile = headers.contains(Header.VOLATILE);
      String origin = headers.get(Header.ORIGIN_CONN);
      // A copy: a write may close a slow socket, which removes it from this list.
      for (BridgeConnection member : members.toArray(new BridgeConnection[0])) {
        if (origin == null || !origin.equals(member.id())) {
          member.deliver(frame, isVolatile);
        }
      }
      frame.release();
    }
  }
}
