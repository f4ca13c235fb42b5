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
import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.Event;
import dev.skillbus.protocol.Fields;
import dev.skillbus.store.RoomHistory.HistorySlice;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joining and leaving rooms: {@code session.join}, {@code session.leave} and a closed connection (a
 * node that stopped or died: {@link NodeDepartures}). A user appears in a room ({@code user-joined})
 * with their first connection there and disappears ({@code user-left}) with their last.
 */
final class Membership {

  private static final Logger LOG = LoggerFactory.getLogger(Membership.class);

  private final String nodeId;
  private final RoomRegistry registry;
  private final RoomEvents events;
  private final LocalConnections locals;
  private final CursorCoalescer cursors;
  private final RoomRules rules;
  private final int maxRoomsPerConnection;
  private final long joinTimeoutMs;
  private final PresenceEvents presence;
  private final RoomRepair repair;
  /** Rooms with joins of this node on their way to the registry, and how many. */
  private final Map<String, Integer> joinsUnderWay = new HashMap<>();

  /**
   * {@code exits} keeps this node's unsure leaves; {@code repairs} is told of each repair of a room's
   * state, by kind (see {@link RoomRepair}).
   */
  Membership(String nodeId, RoomRegistry registry, RoomEvents events, LocalConnections locals, CursorCoalescer cursors,
             RoomRules rules, SessionSettings settings, PresenceEvents presence, Exits exits, Consumer<String> repairs) {
    this.nodeId = nodeId;
    this.registry = registry;
    this.events = events;
    this.locals = locals;
    this.cursors = cursors;
    this.rules = rules;
    this.maxRoomsPerConnection = settings.maxRoomsPerConnection();
    this.joinTimeoutMs = settings.joinTimeoutMs();
    this.presence = presence;
    this.repair = new RoomRepair(nodeId, registry, locals, exits, joinsUnderWay::containsKey, presence, repairs);
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
      .compose(change -> presence.announce(roomId, Event.USER_JOINED, change)
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
      // A leave sent again while the first still waits for the connection's join waits for it too.
      return repair.inDoubt(roomId)
        ? locals.joinDone(caller.connId(), roomId).compose(v -> repair.remove(caller.connId(), roomId)).map(reply)
        : Future.succeededFuture(reply);
    }
    return leaveRoom(caller.connId(), caller.userId(), roomId, locals.joinDone(caller.connId(), roomId)).map(reply);
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
      leaves.add(leaveRoom(connId, identity.userId(), roomId, locals.joinDone(connId, roomId)));
    }
    return Future.join(leaves).map(new JsonObject());
  }

  private Future<Void> leaveRoom(String connId, String userId, String roomId) {
    return leaveRoom(connId, userId, roomId, Future.succeededFuture());
  }

  /**
   * The connection leaves the room here at once, and from the room's state once {@code joinDone}
   * completes: a leave asked for (or a close) while the connection's own join is on its way waits
   * for that join, which finds the connection gone and takes out what it put in, announcing
   * {@code user-joined} and then {@code user-left}; made at once, the leave's change could reach this
   * node after the join's, and its {@code user-left} the room before that {@code user-joined}.
   */
  private Future<Void> leaveRoom(String connId, String userId, String roomId, Future<Void> joinDone) {
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
    return joinDone.compose(v -> repair.remove(leaving, roomId));
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
}
