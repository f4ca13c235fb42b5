package dev.skillbus.session;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.OperationTimeoutException;
import com.hazelcast.map.IMap;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A node's Hazelcast, as its session part sees it, whose rooms map refuses the leaves of chosen
 * connections the way a cluster that lost a member or is migrating partitions may (the leave fails
 * with an operation timeout and the room's state keeps the connection), or makes them and loses
 * their reply (the leave fails the same way, but the room's state no longer holds the connection),
 * and holds back the joins of chosen connections, or an activity update of a chosen user (a slow
 * one), or the reply to a removal of all of a node's connections. Everything else goes to the node's own instance.
 */
final class RefusingHazelcast {

  private final HazelcastInstance hazelcast;
  /** Connection → how many more of its leaves to refuse; and how many were. */
  private final Map<String, Integer> refusals = new HashMap<>();
  private final Map<String, Integer> refused = new HashMap<>();
  /** Connection (or node, for the removal of all its connections) → how many more of its leaves to make and then fail. */
  private final Map<String, Integer> lostReplies = new HashMap<>();
  private final Map<String, CompletableFuture<Void>> heldJoins = new HashMap<>();
  private final Map<String, CompletableFuture<Void>> heldJoinReplies = new HashMap<>();
  private final Map<String, CompletableFuture<Void>> heldLeaveReplies = new HashMap<>();
  /** Connection → how many leaves of it from a room were asked of the map. */
  private final Map<String, Integer> leavesAsked = new HashMap<>();
  /** User → the gate of their next activity or cursor update, and the signal that it came to it. */
  private final Map<String, CompletableFuture<Void>> heldUpdates = new HashMap<>();
  private final Map<String, CompletableFuture<Void>> arrivedUpdates = new HashMap<>();

  RefusingHazelcast(HazelcastInstance hazelcast) {
    this.hazelcast = hazelcast;
  }

  /** Refuses the next {@code times} leaves of the connection, from any room. */
  synchronized void refuseLeaves(String connId, int times) {
    refusals.put(connId, times);
  }

  /** Makes the next {@code times} leaves of the connection, from any room, and fails them all the same. */
  synchronized void loseLeaveReplies(String connId, int times) {
    lostReplies.put(connId, times);
  }

  /** The same for the next {@code times} removals of all connections of a node (a cleanup after it). */
  synchronized void loseNodeLeaveReplies(String nodeId, int times) {
    lostReplies.put(nodeId, times);
  }

  /**
   * Makes the next leave of the connection (or, by a node's id, the next removal of all of that
   * node's connections), from any room, and holds back its reply until the returned gate completes:
   * a reply that is lost, or comes too late.
   */
  synchronized CompletableFuture<Void> holdLeaveReply(String id) {
    return heldLeaveReplies.computeIfAbsent(id, key -> new CompletableFuture<>());
  }

  /** Takes the connection's leaves again. */
  synchronized void takeLeaves(String connId) {
    refusals.remove(connId);
  }

  /** Holds back the joins of the connection, to any room, until the returned gate completes. */
  synchronized CompletableFuture<Void> holdJoins(String connId) {
    return heldJoins.computeIfAbsent(connId, id -> new CompletableFuture<>());
  }

  /**
   * Makes the joins of the connection, to any room, at once, and holds back their replies until the
   * returned gate completes (a reply that comes back late, on another thread than later ones).
   */
  synchronized CompletableFuture<Void> holdJoinReplies(String connId) {
    return heldJoinReplies.computeIfAbsent(connId, id -> new CompletableFuture<>());
  }

  /**
   * Holds back the user's next activity or cursor update of a room's state until {@code gate}
   * completes (later ones go on); the returned future completes once it came to the gate.
   */
  synchronized CompletableFuture<Void> holdNextUpdate(String userId, CompletableFuture<Void> gate) {
    heldUpdates.put(userId, gate);
    return arrivedUpdates.computeIfAbsent(userId, id -> new CompletableFuture<>());
  }

  /** How many leaves of the connection from a room were asked of the map so far. */
  synchronized int leavesAsked(String connId) {
    return leavesAsked.getOrDefault(connId, 0);
  }

  /** How many leaves of the connection were refused so far. */
  synchronized int refused(String connId) {
    return refused.getOrDefault(connId, 0);
  }

  /** The instance to give the session part. */
  HazelcastInstance instance() {
    return proxy(HazelcastInstance.class, (self, method, args) ->
      "getMap".equals(method.getName()) && RoomRegistry.ROOMS.equals(args[0])
        ? proxy(IMap.class, this::rooms)
        : call(method, hazelcast, args));
  }

  private Object rooms(Object self, Method method, Object[] args) throws Throwable {
    IMap<String, RoomState> rooms = hazelcast.getMap(RoomRegistry.ROOMS);
    if ("submitToKey".equals(method.getName()) && args.length == 2
        && args[1] instanceof RoomProcessors.Leave leave && leave.scope() == RoomProcessors.Leave.Scope.CONNECTION) {
      countLeave(leave.id());
    }
    if ("submitToKey".equals(method.getName()) && args.length == 2
        && args[1] instanceof RoomProcessors.Leave leave && leave.scope() == RoomProcessors.Leave.Scope.CONNECTION
        && refuse(leave.id())) {
      return CompletableFuture.failedFuture(new OperationTimeoutException("leave of " + leave.id() + " refused"));
    }
    if ("submitToKey".equals(method.getName()) && args.length == 2
        && args[1] instanceof RoomProcessors.Leave leave && countDown(lostReplies, leave.id())) {
      return rooms.submitToKey((String) args[0], leave).toCompletableFuture()
        .thenCompose(made -> CompletableFuture.failedFuture(new OperationTimeoutException("reply to the leave of "
          + leave.id() + " lost")));
    }
    if ("submitToKey".equals(method.getName()) && args.length == 2 && args[1] instanceof RoomProcessors.Leave leave) {
      CompletableFuture<Void> replyGate = takeLeaveReplyGate(leave.id());
      if (replyGate != null) {
        return rooms.submitToKey((String) args[0], leave).toCompletableFuture()
          .thenCompose(change -> replyGate.thenApply(v -> change));
      }
    }
    if ("submitToKey".equals(method.getName()) && args.length == 2 && args[1] instanceof RoomProcessors.Join join) {
      CompletableFuture<Void> gate = gateOf(join.connection().connId());
      if (gate != null) {
        return gate.thenCompose(v -> rooms.submitToKey((String) args[0], join));
      }
      CompletableFuture<Void> replyGate = replyGateOf(join.connection().connId());
      if (replyGate != null) {
        return rooms.submitToKey((String) args[0], join).toCompletableFuture()
          .thenCompose(change -> replyGate.thenApply(v -> change));
      }
    }
    if ("submitToKey".equals(method.getName()) && args.length == 2 && args[1] instanceof RoomProcessors.Update update) {
      CompletableFuture<Void> gate = updateGateOf(update.userId());
      if (gate != null) {
        return gate.thenCompose(v -> rooms.submitToKey((String) args[0], update));
      }
    }
    return call(method, rooms, args);
  }

  private synchronized CompletableFuture<Void> gateOf(String connId) {
    return heldJoins.get(connId);
  }

  private synchronized CompletableFuture<Void> takeLeaveReplyGate(String id) {
    return heldLeaveReplies.remove(id);
  }

  private synchronized void countLeave(String connId) {
    leavesAsked.merge(connId, 1, Integer::sum);
  }

  private synchronized CompletableFuture<Void> replyGateOf(String connId) {
    return heldJoinReplies.get(connId);
  }

  private synchronized CompletableFuture<Void> updateGateOf(String userId) {
    CompletableFuture<Void> gate = heldUpdates.remove(userId);
    if (gate != null) {
      arrivedUpdates.remove(userId).complete(null);
    }
    return gate;
  }

  /** Whether to refuse this leave of the connection, counted. */
  private synchronized boolean refuse(String connId) {
    if (!countDown(refusals, connId)) {
      return false;
    }
    refused.merge(connId, 1, Integer::sum);
    return true;
  }

  /** Whether the connection has a count left in {@code counts}, taking one off. */
  private synchronized boolean countDown(Map<String, Integer> counts, String connId) {
    Integer left = counts.get(connId);
    if (left == null) {
      return false;
    }
    if (left == 1) {
      counts.remove(connId);
    } else {
      counts.put(connId, left - 1);
    }
    return true;
  }

  private static Object call(Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> T proxy(Class<T> type, InvocationHandler handler) {
    return (T) Proxy.newProxyInstance(RefusingHazelcast.class.getClassLoader(), new Class<?>[] {type}, handler);
  }
}
