package dev.skillbus.session;

import dev.skillbus.protocol.Event;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes this node's connections out of rooms, and keeps the rooms' cluster-wide state true to them
 * both ways. A connection the state lost (a node that died before Hazelcast had copied its entries
 * took the only copy; after a network split heals, Hazelcast keeps one side's entry of each room) is
 * written back, and its user announced with {@code user-joined}. An entry naming this node for a
 * connection it no longer holds (its leave failed: a member was lost or partitions were migrating)
 * is taken out, and its user announced with {@code user-left} unless the room's latest presence
 * event shows them gone already (a healed split brought back an older copy). A failed leave may
 * have been made all the same: a check that finds the connection gone announces the {@code
 * user-left} it owed (see {@link Exits}). Every room this node has connections in or a record of is
 * checked every sweep interval; a room "in doubt", where a leave failed or crossed a join of this
 * node on its way, every second until a check finds it right.
 *
 * <p>A check never fights a join or a leave: it skips a room while a join of this node is on its
 * way there, leaves alone the connections whose leave is on its way, decides on a removal in the same
 * turn of the event loop that sends it, and checks a room once at a time. A check that took
 * connections out writes back nothing: the next check does, from a fresh read. Checked twice, a room
 * changes nothing the second time.
 */
final class RoomRepair {

  private static final Logger LOG = LoggerFactory.getLogger(RoomRepair.class);
  static final String RESTORED = "restored_connection";
  static final String REMOVED = "removed_connection";

  /** Stores and publishes presence events, keeping those the store refuses. */
  interface Announcer {

    /** The events of a change. */
    Future<Void> announce(String roomId, String event, RoomChange change);

    /** The {@code user-left} that leaves made though they failed owe these users, unless peers show a user gone already. */
    Future<Void> owedLeft(String roomId, Collection<Connection> users, Roster roster);

    /** Who peers show in the room, by its latest presence event (everyone when there is none, or it cannot be read). */
    Future<Predicate<String>> shown(String roomId);
  }

  private final String nodeId;
  private final RoomRegistry registry;
  private final LocalConnections locals;
  private final Predicate<String> joining;
  private final Announcer announcer;
  private final Consumer<String> repairs;
  /** Rooms in doubt, each with how often it was put in doubt: a check clears only the doubt it saw. */
  private final Map<String, Integer> doubtful = new HashMap<>();
  private final Set<String> checking = new HashSet<>();
  private final Exits exits;
  private boolean stopped;

  /**
   * {@code exits} keeps this node's leaves; {@code joining} tells whether a join of this node is on
   * its way to a room; {@code repairs} is told {@link #RESTORED} or {@link #REMOVED} for each
   * connection written back or taken out.
   */
  RoomRepair(String nodeId, RoomRegistry registry, LocalConnections locals, Exits exits, Predicate<String> joining,
             Announcer announcer, Consumer<String> repairs) {
    this.nodeId = nodeId;
    this.registry = registry;
    this.locals = locals;
    this.exits = exits;
    this.joining = joining;
    this.announcer = announcer;
    this.repairs = repairs;
  }

  /**
   * Takes the connection out of the room's state and announces its user left if it was the last. A
   * change that fails puts the room in doubt, so that the next check makes it, or finds it made.
   */
  Future<Void> remove(Connection connection, String roomId) {
    return leave(roomId, connection.connId(), connection).compose(change -> announceLeft(roomId, change));
  }

  /** The same for a connection this node no longer holds, known by its id only (a leave sent again). */
  Future<Void> remove(String connId, String roomId) {
    return leave(roomId, connId, null).compose(change -> announceLeft(roomId, change));
  }

  /** The change to announce (see {@link Exits#succeeded}); a leave that fails may have been made. */
  private Future<RoomChange> leave(String roomId, String connId, Connection connection) {
    Exits.Leaving leaving = exits.start(roomId, connId, connection);
    return registry.leave(roomId, connId)
      .onFailure(err -> {
        exits.failed(leaving);
        doubt(roomId);
      })
      .map(change -> exits.succeeded(leaving, change));
  }

  /** The room is untracked whether or not the store took the event: {@link PresenceRetry} keeps that. */
  private Future<Void> announceLeft(String roomId, RoomChange change) {
    Future<Void> announced = announcer.announce(roomId, Event.USER_LEFT, change);
    return announced.transform(ar -> untrackIfGone(roomId)).compose(v -> announced);
  }

  /**
   * Untracked only once the room holds none of our connections, so that a crash never hides one:
   * not while this node has a connection there, nor while the room is in doubt or being checked.
   */
  private Future<Void> untrackIfGone(String roomId) {
    return locals.hasRoom(roomId) || doubtful.containsKey(roomId) || checking.contains(roomId)
      ? Future.succeededFuture()
      : registry.untrackRoom(nodeId, roomId);
  }

  /** No check changes anything after this: a node that stops takes all its connections out itself. */
  void stop() {
    stopped = true;
  }

  /** Puts the room in doubt: it is checked every second until a check finds it right. */
  void doubt(String roomId) {
    doubtful.merge(roomId, 1, Integer::sum);
  }

  boolean inDoubt(String roomId) {
    return doubtful.containsKey(roomId);
  }

  /** Checks the rooms in doubt; runs every second. */
  Future<Void> checkDoubtful() {
    List<Future<Void>> checks = new ArrayList<>();
    for (String roomId : List.copyOf(doubtful.keySet())) {
      checks.add(check(roomId));
    }
    return Future.join(checks).<Void>mapEmpty()
      .onFailure(err -> LOG.debug("{} rooms still in doubt: {}", doubtful.size(), err.toString()));
  }

  /**
   * Checks every room where this node has connections, that its node → rooms record names, or that
   * is in doubt, and writes back the record's rooms it lost; runs every sweep interval.
   */
  Future<Void> checkAll() {
    Future<Collection<String>> recorded = registry.roomsOf(nodeId);
    Future<Void> records = recorded.compose(this::restoreRecord);
    Future<Void> rooms = recorded.otherwise(List.of()).compose(names -> {
      Set<String> roomIds = new HashSet<>(names);
      roomIds.addAll(locals.rooms());
      roomIds.addAll(doubtful.keySet());
      List<Future<Void>> checks = new ArrayList<>();
      for (String roomId : roomIds) {
        checks.add(check(roomId));
      }
      return Future.join(checks).mapEmpty();
    });
    return Future.join(records, rooms).<Void>mapEmpty()
      .onFailure(err -> LOG.warn("Could not check this node's connections in their rooms: {}", err.toString()));
  }

  /** Writes back the node → rooms record of the rooms where this node has connections and the record lost them. */
  private Future<Void> restoreRecord(Collection<String> recorded) {
    List<Future<Void>> written = new ArrayList<>();
    for (String roomId : locals.rooms()) {
      if (!recorded.contains(roomId) && !joining.test(roomId)) {
        LOG.info("Room {} was missing from the record of node {}: written back", roomId, nodeId);
        // Its last connection may leave meanwhile: then the record goes again.
        written.add(registry.recordRoom(nodeId, roomId).compose(v -> untrackIfGone(roomId)));
      }
    }
    return Future.join(written).mapEmpty();
  }

  /**
   * One room, unless a join of this node is on its way there (a connection being added is not
   * missing) or it is being checked already: then a later check looks. A room found right is no
   * longer in doubt, and untracked if this node has nothing there; one that was not is in doubt.
   */
  private Future<Void> check(String roomId) {
    if (stopped || joining.test(roomId) || !checking.add(roomId)) {
      return Future.succeededFuture();
    }
    Integer doubts = doubtful.get(roomId);
    return registry.held(roomId, nodeId)
      .compose(held -> stale(roomId, held).isEmpty() ? mend(roomId, held, userId -> true)
        : announcer.shown(roomId).compose(shown -> mend(roomId, held, shown)))
      .onComplete(ar -> checking.remove(roomId))
      .transform(ar -> {
        if (ar.succeeded() && ar.result()) {
          if (doubts != null) {
            doubtful.remove(roomId, doubts);
          }
          return untrackIfGone(roomId);
        }
        doubt(roomId);
        return ar.succeeded() ? Future.succeededFuture() : Future.failedFuture(ar.cause());
      });
  }

  /**
   * Announces the {@code user-left} that unsure leaves the room no longer holds owed, and takes out
   * the room's connections of this node that it does not hold and that are not leaving already, or
   * else writes back those it holds and the room lost; true when the room was right or is now.
   */
  private Future<Boolean> mend(String roomId, RoomRegistry.Held held, Predicate<String> shown) {
    if (stopped || joining.test(roomId)) {
      return Future.succeededFuture(false);
    }
    Set<String> ours = locals.connectionsIn(roomId);
    List<Future<Void>> changes = new ArrayList<>();
    List<Connection> owed = exits.settle(roomId, held, ours);
    for (Connection user : owed) {
      LOG.info("A failed leave of room {} by connection {} of user {} was made: user-left announced",
        roomId, user.connId(), user.userId());
    }
    changes.add(announcer.owedLeft(roomId, owed, held.roster()));
    List<Connection> stale = stale(roomId, held);
    for (Connection connection : stale) {
      changes.add(removeStale(connection, roomId, shown));
    }
    if (!stale.isEmpty() || exits.unsure(roomId)) {
      return Future.join(changes).map(false);
    }
    for (String connId : ours) {
      if (!held.connections().containsKey(connId)) {
        changes.add(restore(connId, roomId));
      }
    }
    return Future.join(changes).map(true);
  }

  /** The room's connections of this node that it does not hold and that are not leaving already. */
  private List<Connection> stale(String roomId, RoomRegistry.Held held) {
    Set<String> ours = locals.connectionsIn(roomId);
    List<Connection> stale = new ArrayList<>();
    for (Connection connection : held.connections().values()) {
      if (!ours.contains(connection.connId()) && !exits.underWay(roomId, connection.connId())) {
        stale.add(connection);
      }
    }
    return stale;
  }

  /**
   * Takes out a connection this node no longer holds; its user's {@code user-left} is announced
   * unless {@code shown} (peers, read before the check's removals) shows them gone already: a
   * network split that healed can bring back the other side's copy of a room, with a connection
   * whose leave was made and announced on this side meanwhile.
   */
  private Future<Void> removeStale(Connection connection, String roomId, Predicate<String> shown) {
    LOG.info("Connection {} was in room {} for node {}, which no longer holds it: taken out",
      connection.connId(), roomId, nodeId);
    return leave(roomId, connection.connId(), connection)
      .onSuccess(change -> repairs.accept(REMOVED))
      .compose(change -> {
        Map<Boolean, List<Connection>> byShown = change.users().stream()
          .collect(Collectors.partitioningBy(user -> shown.test(user.userId())));
        List<Connection> gone = byShown.get(false);
        if (gone.isEmpty()) {
          return announceLeft(roomId, change);
        }
        LOG.info("Room {}'s last presence event shows {} gone already: no user-left again", roomId,
          gone.stream().map(Connection::userId).toList());
        exits.settle(roomId, gone);
        return announceLeft(roomId, new RoomChange(byShown.get(true), change.roster()));
      });
  }

  private Future<Void> restore(String connId, String roomId) {
    Connection connection = locals.connectionIn(connId, roomId, nodeId);
    if (connection == null) {
      return Future.succeededFuture();
    }
    LOG.info("Connection {} of user {} was missing from room {}: written back", connId, connection.userId(), roomId);
    return registry.trackRoom(nodeId, roomId)
      // As its user last set it through this node: the state that lost them lost their activity too.
      .compose(v -> registry.join(roomId, connection, locals.active(roomId, connection.userId())))
      .compose(change -> {
        repairs.accept(RESTORED);
        return announcer.announce(roomId, Event.USER_JOINED, change);
      })
      // It may have left while it was written back; the leave found nothing to remove then.
      .compose(v -> locals.isIn(connId, roomId) ? Future.succeededFuture() : remove(connection, roomId));
  }
}
