package dev.skillbus.session;

import static dev.skillbus.session.SessionFields.CONN_ID;
import static dev.skillbus.session.SessionFields.MISSED;
import static dev.skillbus.session.SessionFields.MORE;
import static dev.skillbus.session.SessionFields.PARTICIPANTS;
import static dev.skillbus.session.SessionFields.RECOVERED;
import static dev.skillbus.session.SessionFields.SEQ;
import static dev.skillbus.session.SessionFields.SESSION_ID;
import static dev.skillbus.session.SessionFields.STATUS;

import dev.skillbus.auth.RoomRules;
import dev.skillbus.cluster.DepartedNodes;
import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.Event;
import dev.skillbus.protocol.Fields;
import dev.skillbus.store.RedisLink;
import dev.skillbus.store.RoomHistory.HistorySlice;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joining and leaving rooms: {@code session.join}, {@code session.leave}, a closed connection, and
 * the connections of a node that stopped or died. A user appears in a room ({@code user-joined})
 * with their first connection there and disappears ({@code user-left}) with their last.
 */
final class Membership implements DepartedNodes.Records {

  private static final Logger LOG = LoggerFactory.getLogger(Membership.class);
  /** How far back in a room's history an owed {@code user-left} looks for the room's latest presence event. */
  private static final int OWED_LOOKBACK = 100;

  private final String nodeId;
  private final RoomRegistry registry;
  private final RoomEvents events;
  private final LocalConnections locals;
  private final CursorCoalescer cursors;
  private final RoomRules rules;
  private final int maxRoomsPerConnection;
  private final long joinTimeoutMs;
  private final PresenceAnnouncer announcer;
  private final PresenceRetry presence;
  private final RoomRepair repair;
  /**
   * Cleanups after a departed node that failed, and may have been made all the same: by room and
   * node, the connections that node had there, read before the first try (see {@link #leaveNode}).
   */
  private final Map<List<String>, Map<String, Connection>> unsureCleanups = new HashMap<>();
  /** Rooms with joins of this node on their way to the registry, and how many. */
  private final Map<String, Integer> joinsUnderWay = new HashMap<>();
  /** The rooms that scans found holding connections of departed nodes (see {@link #nodes}). */
  private final Strays strays = new Strays();

  /** {@code repairs} is told of each repair of a room's state, by kind (see {@link RoomRepair}). */
  Membership(String nodeId, RoomRegistry registry, RoomEvents events, LocalConnections locals,
             CursorCoalescer cursors, RoomRules rules, SessionSettings settings, Consumer<String> repairs) {
    this.nodeId = nodeId;
    this.registry = registry;
    this.events = events;
    this.locals = locals;
    this.cursors = cursors;
    this.rules = rules;
    this.maxRoomsPerConnection = settings.maxRoomsPerConnection();
    this.joinTimeoutMs = settings.joinTimeoutMs();
    this.announcer = new PresenceAnnouncer(registry::roster, events);
    this.presence = new PresenceRetry(registry::roster, announcer::announce);
    this.repair = new RoomRepair(nodeId, registry, locals, joinsUnderWay::containsKey, new RoomRepair.Announcer() {
      @Override
      public Future<Void> announce(String roomId, String event, RoomChange change) {
        return Membership.this.announce(roomId, event, change);
      }

      @Override
      public Future<Void> owedLeft(String roomId, Connection user, Roster roster) {
        return Membership.this.owedLeft(roomId, user, roster);
      }
    }, repairs);
  }

  Future<JsonObject> join(Message<JsonObject> message) {
    Caller caller = Caller.of(message);
    JoinRequest request = JoinRequest.parse(message.body(), caller.identity());
    String roomId = request.roomId();
    rules.check(caller.identity(), roomId);
    if (locals.joining(caller.connId(), roomId)) {
      // Two joins at once could end apart (one taken back, the other answered as joined).
      throw ErrorCode.CONFLICT.exception("a join of room '" + roomId + "' by this connection is under way: wait for its reply");
    }
    if (!locals.isIn(caller.connId(), roomId) && locals.roomCountOf(caller.connId()) >= maxRoomsPerConnection) {
      throw ErrorCode.RATE_LIMITED.exception("a connection is in at most " + maxRoomsPerConnection
        + " rooms at once: leave one first");
    }
    // Joining again is idempotent: the registry keeps the first join and reports no new user.
    boolean added = locals.add(caller.connId(), caller.identity(), roomId,
      new LocalConnections.Joined(request.name(), request.role().wire(), System.currentTimeMillis()));
    // A join again while the first is on its way waits for the same record: the room is in the
    // node → rooms record before the connection is in the room, so that a crash never hides it.
    joinsUnderWay.merge(roomId, 1, Integer::sum);
    Future<JsonObject> joining = registry.trackRoom(nodeId, roomId)
      .compose(v -> {
        Connection connection = locals.connectionIn(caller.connId(), roomId, nodeId);
        return connection == null ? Future.<JsonObject>failedFuture(leftWhileJoining(roomId)) : joinAs(connection, request);
      })
      // A join that failed half-way is taken back, so that the connection is in the room or not at all.
      .recover(err -> added && locals.isIn(caller.connId(), roomId)
        ? leaveRoom(caller.connId(), caller.userId(), roomId).transform(ar -> Future.failedFuture(err))
        : Future.failedFuture(err))
      .onComplete(ar -> joinsUnderWay.computeIfPresent(roomId, (r, n) -> n == 1 ? null : n - 1));
    Future<JsonObject> joined = joining.timeout(joinTimeoutMs, TimeUnit.MILLISECONDS)
      .recover(err -> joining.isComplete() ? Future.failedFuture(err) : giveUp(caller, roomId, added))
      .onSuccess(reply -> {
        events.toConnection(caller.connId(), roomId, Event.SESSION_JOINED, new JsonObject()
          .put(SESSION_ID, roomId).put(PARTICIPANTS, reply.getJsonArray(PARTICIPANTS)));
        events.joined(caller.connId(), roomId, caller.userId());
      });
    locals.joining(caller.connId(), roomId, joined);
    return joined;
  }

  /**
   * A join not done within {@code joinTimeoutMs} (Hazelcast or the store stalled) is answered 503,
   * and the connection it added leaves again: the join under way then finds it gone and takes out
   * what it put in, announcing the user left if it had announced them. So a client told that its
   * join failed is not in the room, whenever the join ends. A join again of a connection that was
   * in the room already takes nothing back.
   */
  private Future<JsonObject> giveUp(Caller caller, String roomId, boolean added) {
    if (!added) {
      // The connection was in the room before this join, and stays.
      LOG.warn("Join again of room {} by connection {} took longer than {} ms", roomId, caller.connId(), joinTimeoutMs);
      return Future.failedFuture(ErrorCode.UNAVAILABLE.exception("joining room '" + roomId + "' again took longer than "
        + joinTimeoutMs + " ms; the connection is still in the room"));
    }
    LOG.warn("Join of room {} by connection {} took longer than {} ms: taken back", roomId, caller.connId(), joinTimeoutMs);
    if (locals.isIn(caller.connId(), roomId)) {
      leaveRoom(caller.connId(), caller.userId(), roomId)
        .onFailure(err -> LOG.warn("Could not take back the join of room {} by connection {}", roomId, caller.connId(), err));
    }
    return Future.failedFuture(ErrorCode.UNAVAILABLE.exception("joining room '" + roomId + "' took longer than "
      + joinTimeoutMs + " ms; it was taken back: join again"));
  }

  /** Adds the connection to the room's state, announces it, and answers, unless it left meanwhile. */
  private Future<JsonObject> joinAs(Connection connection, JoinRequest request) {
    String roomId = request.roomId();
    return registry.join(roomId, connection)
      .compose(change -> announce(roomId, Event.USER_JOINED, change)
        .compose(v -> locals.isIn(connection.connId(), roomId) ? joinReply(request, change.roster()) : abandonJoin(connection, roomId)));
  }

  /**
   * The connection left or closed while its join was on its way to the registry, whose leave may
   * have run first and found nothing: take it out again so that it does not linger in the room.
   */
  private Future<JsonObject> abandonJoin(Connection connection, String roomId) {
    return repair.remove(connection, roomId).compose(v -> Future.failedFuture(leftWhileJoining(roomId)));
  }

  private static RuntimeException leftWhileJoining(String roomId) {
    return ErrorCode.CONFLICT.exception("left room '" + roomId + "' while joining it");
  }

  /**
   * {@code {sessionId, participants, status?, seq, epoch, missed?, recovered?, more?}}: {@code status}
   * in a course session's room, as {@code course.status} gives it (left out when the course part
   * cannot say: the join itself stands); with {@code since}, {@code missed} is the first page of the
   * events after it and {@code more} says the rest is to be read with {@code session.history}.
   *
   * <p>The client takes the events after the reply's {@code seq} only, so the list must be at least
   * as new as every presence event at or before it. The list of this join's own change ({@code
   * roster}) is, when no presence event stored carries a higher version (the history says so with
   * the position): presence events are stored in the order of their versions. Otherwise (another
   * change made and stored meanwhile, or stored before this one's event though made after) the
   * participants are read again after the position: each change is made in the room's state before
   * its event is stored, so a list read after the seq holds them all. A join with {@code since}
   * reads them again always. What else a list shows that changes (activity) is made in the room's
   * state before its event goes out (see {@link RoomActions#activity}): a change the list does not
   * show comes as an event to the client, which registered on the room before it joined.
   */
  private Future<JsonObject> joinReply(JoinRequest request, Roster roster) {
    String roomId = request.roomId();
    JsonObject reply = new JsonObject().put(SESSION_ID, roomId);
    Future<JsonObject> withStatus = events.courseStatus(roomId)
      .map(status -> status == null ? reply : reply.put(STATUS, status))
      .otherwise(err -> {
        LOG.warn("Join of course session room {} answered without its status: {}", roomId, err.getMessage());
        return reply;
      });
    Future<HistorySlice> read = request.since() == null
      ? withStatus.compose(r -> events.position(roomId)).map(position -> {
        withPosition(reply, position);
        return position;
      })
      : withStatus.compose(r -> events.since(roomId, request.since(), request.epoch())).map(slice -> {
        withPosition(reply, slice).put(MISSED, new JsonArray(new ArrayList<>(slice.events())))
          .put(RECOVERED, slice.complete()).put(MORE, slice.more());
        return slice;
      });
    return read.compose(slice -> slice.presenceVersion() <= roster.version()
        ? Future.succeededFuture(roster.participants())
        : registry.participants(roomId))
      .map(participants -> reply.put(PARTICIPANTS, Participant.toJson(participants)));
  }

  private static JsonObject withPosition(JsonObject reply, HistorySlice slice) {
    return reply.put(SEQ, slice.seq()).put(SessionFields.EPOCH, slice.epoch());
  }

  /**
   * Leaving a room the connection is not in succeeds and changes nothing, so that a client may
   * retry a leave whose reply it lost. In a room in doubt the leave is made again, so that a retried
   * leave whose change failed succeeds only once the room no longer holds the connection.
   */
  Future<JsonObject> leave(Message<JsonObject> message) {
    Caller caller = Caller.of(message);
    String roomId = Fields.requiredId(message.body(), SESSION_ID, Fields.ROOM_ID);
    JsonObject reply = new JsonObject().put(SESSION_ID, roomId);
    if (!locals.isIn(caller.connId(), roomId)) {
      return repair.inDoubt(roomId)
        ? repair.remove(caller.connId(), roomId).map(reply)
        : Future.succeededFuture(reply);
    }
    return leaveRoom(caller.connId(), caller.userId(), roomId).map(reply);
  }

  /** A bridge connection closed: it leaves every room it was in. */
  Future<JsonObject> connectionClosed(Message<JsonObject> message) {
    String connId = Fields.requiredString(message.body(), CONN_ID, 200);
    var identity = locals.identityOf(connId);
    if (identity == null) {
      return Future.succeededFuture(new JsonObject());
    }
    List<Future<Void>> leaves = new ArrayList<>();
    for (String roomId : locals.roomsOf(connId)) {
      leaves.add(leaveRoom(connId, identity.userId(), roomId));
    }
    return Future.join(leaves).map(new JsonObject());
  }

  private Future<Void> leaveRoom(String connId, String userId, String roomId) {
    Connection leaving = locals.connectionIn(connId, roomId, nodeId);
    locals.remove(connId, roomId);
    if (!locals.hasUserIn(roomId, userId)) {
      cursors.cancel(roomId, userId);
    }
    if (joinsUnderWay.containsKey(roomId)) {
      // This connection's own join may reach the room's state after this leave, and stay there if
      // it then fails half-way: a check of the room takes it out.
      repair.doubt(roomId);
    }
    // Takes it out of the room's state, announces its user left if it was the last, untracks.
    return repair.remove(leaving, roomId);
  }

  /**
   * Removes every connection of {@code departedNode} from the given rooms and announces each user
   * left with none: after that node died, or for this node when it stops. The node → rooms record
   * of a room goes once the room is done, so that what failed is found and done again; done twice,
   * a room changes nothing and announces nothing. A removal that failed may have been made (its reply
   * lost): the connections the departed node had in the room, read before, are kept, and the users
   * among them that the removal done again finds gone, with no event of theirs, are announced then.
   */
  Future<Void> leaveNode(String departedNode, Collection<String> roomIds) {
    boolean self = departedNode.equals(nodeId);
    List<Future<Void>> leaves = new ArrayList<>();
    for (String roomId : roomIds) {
      List<String> cleanup = List.of(roomId, departedNode);
      Future<Map<String, Connection>> before = self ? Future.succeededFuture(Map.of())
        : registry.held(roomId, departedNode).map(RoomRegistry.Held::connections).otherwise(Map.of());
      leaves.add(before.compose(had -> registry.leaveNode(roomId, departedNode)
          .onFailure(err -> unsureCleanups.merge(cleanup, had, (a, b) -> {
            Map<String, Connection> both = new HashMap<>(a);
            both.putAll(b);
            return both;
          })))
        .compose(change -> announce(roomId, Event.USER_LEFT, change)
          .compose(v -> self ? owedOnStop(roomId, change.roster()) : owedAfterCleanup(cleanup, change)))
        .compose(v -> registry.forget(departedNode, roomId))
        .onFailure(err -> LOG.warn("Could not remove node {} from room {}", departedNode, roomId, err)));
    }
    return Future.join(leaves).mapEmpty();
  }

  /**
   * This node stopped and took its connections out of the room: a leave of it that failed but was
   * made owes its {@code user-left} now, as no check will run any more to find it (see {@link Exits}).
   */
  private Future<Void> owedOnStop(String roomId, Roster roster) {
    List<Future<Void>> owed = new ArrayList<>();
    for (Connection user : repair.nodeLeft(roomId, roster)) {
      owed.add(owedLeft(roomId, user, roster));
    }
    return Future.join(owed).mapEmpty();
  }

  /**
   * A cleanup after a departed node was made, after one that failed: each user of that node's
   * connections read before it, whom the room no longer holds and this change did not name, is owed
   * a {@code user-left} (unless peers show them gone already: see {@link #owedLeft}).
   */
  private Future<Void> owedAfterCleanup(List<String> cleanup, RoomChange change) {
    Map<String, Connection> had = unsureCleanups.remove(cleanup);
    if (had == null) {
      return Future.succeededFuture();
    }
    String roomId = cleanup.get(0);
    Set<String> users = new HashSet<>();
    change.users().forEach(user -> users.add(user.userId()));
    List<Future<Void>> owed = new ArrayList<>();
    for (Connection connection : had.values()) {
      if (change.roster().holds(Event.USER_LEFT, connection.userId()) && users.add(connection.userId())) {
        owed.add(owedLeft(roomId, connection, change.roster()));
      }
    }
    return Future.join(owed).mapEmpty();
  }

  /** The rooms where a leave of this node failed and may have been made: a node that stops looks at them too. */
  Set<String> unsureRooms() {
    return repair.unsureRooms();
  }

  /**
   * The nodes that the node → rooms record names, and those that rooms' states still hold
   * connections of although they are not in the cluster: a node's record can be lost with it (its
   * only copies were on that node and another that died with it), and the scan of the rooms finds
   * what it named. The rooms the scan found are kept for {@link #cleanUp} of those nodes.
   */
  @Override
  public Future<Collection<String>> nodes() {
    return registry.roomsOfNodesGone().compose(found -> {
      strays.found(found);
      return registry.nodes().map(recorded -> {
        Set<String> named = new HashSet<>(recorded);
        named.addAll(strays.nodes());
        return named;
      });
    });
  }

  /**
   * Removes the connections of a node that left the cluster from every room it was in: those its
   * record names, and those the scans of the rooms found (see {@link #nodes}).
   */
  @Override
  public Future<Boolean> cleanUp(String departedNode) {
    Set<String> found = strays.of(departedNode);
    return registry.roomsOf(departedNode).compose(recorded -> {
      Set<String> rooms = new HashSet<>(recorded);
      rooms.addAll(found);
      LOG.info("Removing the connections of node {} from {} rooms", departedNode, rooms.size());
      return leaveNode(departedNode, rooms).map(v -> !rooms.isEmpty());
    }).onSuccess(v -> strays.cleaned(departedNode, found));
  }

  /**
   * Checks that the rooms' cluster-wide state holds this node's connections, and only those, where
   * this node has connections or a record; runs every sweep interval (see {@link RoomRepair}).
   */
  Future<Void> checkRooms() {
    return repair.checkAll();
  }

  /** Checks the rooms where a leave failed or crossed a join; runs every second. */
  Future<Void> checkRoomsInDoubt() {
    return repair.checkDoubtful();
  }

  /** Ends the checks, those under way included: the node is stopping. */
  void stopChecks() {
    repair.stop();
  }

  /**
   * Publishes {@code event} (user-joined or user-left) for each user the change names, in the order
   * of the room's changes (see {@link PresenceAnnouncer}). The change is made already: an event the
   * store refuses is kept to be sent once it takes it again, and the caller still learns of the failure.
   */
  private Future<Void> announce(String roomId, String event, RoomChange change) {
    repair.settle(roomId, change.users());
    List<Future<Void>> sent = new ArrayList<>();
    for (Connection user : change.users()) {
      LOG.debug("{} {} in room {} (node {})", event, user.userId(), roomId, user.nodeId());
      Presence announced = new Presence(event, user, change.roster().version());
      sent.add(announcer.announce(roomId, announced, change.roster())
        .onFailure(err -> presence.add(roomId, announced, RedisLink.notSent(err))));
    }
    return Future.all(sent).mapEmpty();
  }

  /**
   * The {@code user-left} a leave owes that was made though it failed (see {@link Exits}), unless
   * the room's latest presence event (among its last {@link #OWED_LOOKBACK} events) no longer shows
   * the user: peers show them gone already, as when another node's leave of their last connection
   * emptied the room and said so. It carries the version read, as any event of a change does; a
   * room read empty has none (version 0, which an earlier owed event of the same user may have
   * carried, and the history would take this one for that one), so there it carries this node's
   * clock in µs.
   */
  private Future<Void> owedLeft(String roomId, Connection user, Roster roster) {
    return latestPresence(roomId).transform(read -> {
      if (read.succeeded() && read.result() != null && !shows(read.result(), user.userId())) {
        LOG.info("A failed leave of room {} by {} was made, and the room's last presence event shows them gone already",
          roomId, user.userId());
        return Future.succeededFuture();
      }
      repair.settle(roomId, List.of(user));
      long change = roster.version() > 0 ? roster.version() : System.currentTimeMillis() * 1000;
      Presence owed = new Presence(Event.USER_LEFT, user, change);
      return announcer.announce(roomId, owed, roster).onFailure(err -> presence.add(roomId, owed));
    });
  }

  /** The room's latest presence event among its last {@link #OWED_LOOKBACK} events, or null. */
  private Future<JsonObject> latestPresence(String roomId) {
    return events.last(roomId, OWED_LOOKBACK)
      .map(slice -> slice.latest(event -> Event.USER_JOINED.equals(event) || Event.USER_LEFT.equals(event)));
  }

  private static boolean shows(JsonObject presenceEvent, String userId) {
    JsonObject data = presenceEvent.getJsonObject("data");
    JsonArray participants = data == null ? null : data.getJsonArray(PARTICIPANTS);
    return participants == null || participants.stream()
      .anyMatch(p -> p instanceof JsonObject participant && userId.equals(participant.getString("userId")));
  }

  /**
   * Hands the presence events still waiting for the store to other nodes when this node stops (its
   * own leaves while the store is down are among them): each goes on its own, and once more (to the
   * next node) if the first does not take it; that node sends it once the store takes it. Those no
   * other node takes (there is none) are lost, and counted in the log.
   */
  Future<Void> handOffRefused(EventBus eventBus, long timeoutMs) {
    return presence.takeAll().compose(waiting -> {
      List<Future<Object>> handed = new ArrayList<>();
      for (Map.Entry<String, Presence> entry : waiting) {
        JsonObject body = entry.getValue().toJson().put("roomId", entry.getKey());
        DeliveryOptions options = new DeliveryOptions().setSendTimeout(timeoutMs);
        handed.add(eventBus.request(Address.PRESENCE_HANDOFF, body, options)
          .recover(err -> eventBus.request(Address.PRESENCE_HANDOFF, body, options)).mapEmpty());
      }
      return Future.join(handed).transform(ar -> {
        long lost = handed.stream().filter(Future::failed).count();
        if (lost > 0) {
          LOG.warn("{} of {} presence events waiting for the store could not be handed to another node: lost",
            lost, waiting.size());
        } else if (!waiting.isEmpty()) {
          LOG.info("{} presence events waiting for the store handed to another node", waiting.size());
        }
        return Future.<Void>succeededFuture();
      });
    });
  }

  /**
   * Takes over a presence event a stopping node could not store ({@link Address#PRESENCE_HANDOFF}):
   * {@code {roomId, event, connection: {connId, userId, name, role, nodeId, joinedAt}, change}}.
   */
  Future<Boolean> takeOver(Message<JsonObject> message) {
    JsonObject body = message.body();
    String roomId = Fields.requiredId(body, "roomId", Fields.ROOM_ID);
    presence.add(roomId, Presence.fromJson(body));
    return Future.succeededFuture(true);
  }

  /** Sends the presence events the store refused before; runs every second. */
  Future<Void> announceRefused() {
    return presence.send()
      .onFailure(err -> LOG.debug("{} presence events still wait for the store: {}", presence.size(), err.toString()));
  }
}
