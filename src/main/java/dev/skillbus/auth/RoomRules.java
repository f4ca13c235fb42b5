package dev.skillbus.auth;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import dev.skillbus.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The rooms' access rules, cluster-wide, in the Hazelcast map {@code skillbus.room-rules}, with a
 * copy on each node that the bridge guard and the session part read without a cluster call. The
 * copy follows the map through an entry listener; a node that creates a rule has it at once, and
 * the other nodes are told to {@link #refresh} theirs before the creation is acknowledged, so that
 * the rule holds everywhere from the moment the creator is answered. One instance per node.
 */
public final class RoomRules {

  static final String MAP = "skillbus.room-rules";

  private final IMap<String, RoomAccess> map;
  private final Map<String, RoomAccess> copy = new ConcurrentHashMap<>();
  /** Told of each rule this node's copy takes (on the thread that brings it). */
  private final List<Consumer<RoomAccess>> followers = new CopyOnWriteArrayList<>();
  private Vertx vertx;
  private UUID listener;

  private RoomRules(IMap<String, RoomAccess> map) {
    this.map = map;
  }

  /** The rules of a cluster; {@link #start} them before use. */
  public static RoomRules of(HazelcastInstance hazelcast) {
    return new RoomRules(hazelcast.getMap(MAP));
  }

  /** No rules: every room is open (a part deployed alone, in tests). */
  public static RoomRules open() {
    return new RoomRules(null);
  }

  /** Follows the map, then copies every rule in it; listening first, so no change falls between. */
  public Future<Void> start(Vertx vertx) {
    this.vertx = vertx;
    if (map == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      listener = map.addEntryListener(new Follower(), true);
      map.forEach(copy::putIfAbsent);
      return null;
    }, false);
  }

  public Future<Void> close() {
    if (map == null || listener == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> map.removeEntryListener(listener), false).mapEmpty();
  }

  /** The rule of a room, or null when it has none: read from this node's copy. */
  public RoomAccess get(String roomId) {
    return copy.get(roomId);
  }

  /** The rooms that have a rule. */
  public Set<String> roomIds() {
    return Set.copyOf(copy.keySet());
  }

  /** Whether the caller may join the room: it has no rule, or its rule admits the caller. */
  public boolean allows(Identity caller, String roomId) {
    RoomAccess access = copy.get(roomId);
    return access == null || access.allows(caller);
  }

  /** Nothing when the caller may join the room, else a 403 saying why not. */
  public void check(Identity caller, String roomId) {
    if (!allows(caller, roomId)) {
      throw ErrorCode.FORBIDDEN.exception("room '" + roomId + "' is private: " + caller.userId() + " may not join it");
    }
  }

  /**
   * Calls {@code follower} with each rule this node's copy takes from now on, as it takes it: on a
   * Hazelcast or Vert.x thread, which the follower leaves at once. A rule may come more than once.
   */
  public void follow(Consumer<RoomAccess> follower) {
    followers.add(follower);
  }

  public void unfollow(Consumer<RoomAccess> follower) {
    followers.remove(follower);
  }

  private void took(RoomAccess access) {
    copy.put(access.roomId(), access);
    followers.forEach(f -> f.accept(access));
  }

  /** Creates a room's rule; answers the rule the room has already instead, or null when it had none. */
  public Future<RoomAccess> create(RoomAccess access) {
    if (map == null) {
      return Future.failedFuture(ErrorCode.UNAVAILABLE.exception("room rules are not kept on this node"));
    }
    return vertx.getOrCreateContext().executeBlocking(() -> map.putIfAbsent(access.roomId(), access), false)
      .onSuccess(existing -> took(existing == null ? access : existing));
  }

  /** Reads one rule from the cluster into this node's copy; completes once the copy has it. */
  public Future<Void> refresh(String roomId) {
    if (map == null) {
      return Future.succeededFuture();
    }
    return Future.fromCompletionStage(map.getAsync(roomId), vertx.getOrCreateContext()).map(access -> {
      if (access != null) {
        took(access);
      }
      return null;
    });
  }

  /** Hazelcast calls these on its own threads; the copy is a concurrent map. */
  private final class Follower implements EntryAddedListener<String, RoomAccess>,
    EntryUpdatedListener<String, RoomAccess>, EntryRemovedListener<String, RoomAccess>,
    EntryEvictedListener<String, RoomAccess>, EntryExpiredListener<String, RoomAccess> {

    @Override
    public void entryAdded(EntryEvent<String, RoomAccess> event) {
      took(event.getValue());
    }

    @Override
    public void entryUpdated(EntryEvent<String, RoomAccess> event) {
      took(event.getValue());
    }

    @Override
    public void entryRemoved(EntryEvent<String, RoomAccess> event) {
      copy.remove(event.getKey());
    }

    @Override
    public void entryEvicted(EntryEvent<String, RoomAccess> event) {
      copy.remove(event.getKey());
    }

    @Override
    public void entryExpired(EntryEvent<String, RoomAccess> event) {
      copy.remove(event.getKey());
    }
  }
}
