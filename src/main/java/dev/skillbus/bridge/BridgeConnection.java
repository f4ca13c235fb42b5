package dev.skillbus.bridge;

import dev.skillbus.auth.Identity;
import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.Internal;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One browser connection speaking the Vert.x bridge protocol ({@code send}, {@code publish},
 * {@code register}, {@code unregister}, {@code ping}) over SockJS: who it is, when it was last
 * heard from, what it is written (paced by its socket's back-pressure) and where it is registered,
 * until it closes. The frames its client sends are read by {@link InboundFrames}.
 */
final class BridgeConnection {

  private static final Logger LOG = LoggerFactory.getLogger(BridgeConnection.class);

  private final String id;
  private final BridgeSocket socket;
  private final BridgeContext bridge;
  private final Registrations registered;
  private final SocketIdentity identity;
  private final InboundFrames frames;
  private final long openedAt = System.currentTimeMillis();
  private final long openedNanos = System.nanoTime();
  private long lastSeen = openedNanos;
  private String closeReason;
  private boolean closed;
  // Those who wait for the socket to drain before they write (see writable()).
  private Promise<Boolean> drain;

  BridgeConnection(String id, BridgeSocket socket, BridgeContext bridge) {
    this.id = id;
    this.socket = socket;
    this.bridge = bridge;
    this.identity = new SocketIdentity(bridge.tokens(), bridge.guard());
    this.registered = new Registrations(this, bridge);
    this.frames = new InboundFrames(this, socket, bridge, identity, registered);
  }

  String id() {
    return id;
  }

  Identity identity() {
    return identity.current();
  }

  /** True once the socket's token expired and no newer one came (see {@link SocketIdentity#expired}). */
  boolean tokenExpired(long nowMillis) {
    return identity.expired(nowMillis);
  }

  long lastSeen() {
    return lastSeen;
  }

  /** When the socket opened, on the monotonic clock of {@link #lastSeen()}. */
  long openedNanos() {
    return openedNanos;
  }

  void start() {
    bridge.metrics().connectionOpened();
    socket.start(this::handleFrame, v -> handleClosed());
    socket.drainHandler(v -> drained());
  }

  /**
   * Writes a frame. While the client cannot keep up, volatile frames are dropped; a client whose
   * socket is more than {@code slowSocketMaxBytes} behind when a durable frame comes is closed (it
   * recovers what it missed by rejoining). Answers whether the frame was written.
   */
  boolean deliver(OutFrame frame, boolean isVolatile) {
    if (closed || !socket.writable() && (isVolatile || tooSlow())) {
      return false;
    }
    socket.write(frame);
    bridge.metrics().frameOut();
    return true;
  }

  /**
   * Writes a durable frame, and completes once the transport wrote it ({@link
   * BridgeSocket#writeConfirmed}): true then, false when the connection closed first. As any durable
   * frame, one for a socket too far behind closes it instead (its sender, pacing many, waits for
   * {@link #writable()} before each).
   */
  Future<Boolean> deliverConfirmed(OutFrame frame) {
    if (closed || !socket.writable() && tooSlow()) {
      return Future.succeededFuture(false);
    }
    bridge.metrics().frameOut();
    return socket.writeConfirmed(frame).map(true).otherwise(false);
  }

  /**
   * Writes a frame meant for this connection only (a reply, an error). Replies never close the
   * socket: the client paces them with its requests, and a reply as large as a join's missed
   * events must reach a client that rejoins several rooms at once.
   */
  void deliver(Buffer frame) {
    if (!closed) {
      OutFrame out = new OutFrame(frame);
      socket.reply(out);
      out.release();
      bridge.metrics().frameOut();
    }
  }

  /**
   * Completes with true once the socket can take a frame within its buffer: at once while it is
   * writable, else when it drained; with false once the connection closed. Who writes many durable
   * frames at once (a user's queued notifications) writes each after this, so that a client that
   * reads never falls {@code slowSocketMaxBytes} behind on their account.
   */
  Future<Boolean> writable() {
    if (closed || socket.writable()) {
      return Future.succeededFuture(!closed);
    }
    if (drain == null) {
      drain = Promise.promise();
    }
    return drain.future();
  }

  private void drained() {
    Promise<Boolean> waiting = drain;
    if (waiting != null && (closed || socket.writable())) {
      drain = null;
      waiting.complete(!closed);
    }
  }

  private boolean tooSlow() {
    if (socket.bytesBehind() <= bridge.settings().slowSocketMaxBytes()) {
      return false;
    }
    close(4008, "client too slow");
    return true;
  }

  void close(int code, String reason) {
    if (!closed) {
      closeReason = reason;
      socket.close(code, reason);
      handleClosed();
    }
  }

  boolean isClosed() {
    return closed;
  }

  private void handleFrame(Buffer buffer) {
    lastSeen = System.nanoTime();
    frames.handleFrame(buffer, lastSeen);
  }

  private void handleClosed() {
    if (closed) {
      return;
    }
    closed = true;
    drained();
    registered.removeAll();
    bridge.connections().remove(id);
    DeliveryOptions options = new DeliveryOptions().setLocalOnly(true);
    Identity who = identity();
    if (who != null) {
      who.stamp(options, id);
    }
    bridge.eventBus().send(Address.CONNECTION_CLOSED, new JsonObject().put("connId", id), options);
    bridge.metrics().connectionClosed();
    LOG.info("Connection {} of user {} closed on node {}: {}", id, userIdForLog(), bridge.nodeId(),
      closeReason == null ? "socket closed" : closeReason);
  }

  // Operations: an admin moves this connection's user in or out of a room (ops), as its client would.

  /** When the socket opened, epoch millis. */
  long openedAt() {
    return openedAt;
  }

  /**
   * Registers on an address for the user, as a register frame would; completes once it is in place.
   * It fails (503) when the connection's subscriptions are still not in place in the cluster after
   * {@link BridgeVerticle#MOVE_REGISTER_WAIT_MS} (a member that hangs), so that the move is answered
   * before the operations part stops waiting for it, and the caller takes the registration back.
   */
  Future<Void> registerForUser(String address) {
    registered.add(address, identity());
    return registered.ready(Vertx.currentContext(), BridgeVerticle.MOVE_REGISTER_WAIT_MS)
      .recover(late -> Future.failedFuture(ErrorCode.UNAVAILABLE.exception("the connection's subscriptions were not in place"
        + " within " + BridgeVerticle.MOVE_REGISTER_WAIT_MS + " ms (a node of the cluster does not answer): it did not move")))
      .compose(v -> closed
        ? Future.failedFuture(ErrorCode.CONFLICT.exception("connection " + id + " closed while it was being moved"))
        : Future.succeededFuture());
  }

  boolean isRegisteredForUser(String address) {
    return registered.contains(address);
  }

  void unregisterForUser(String address) {
    registered.remove(address);
  }

  /**
   * Takes away a registration that a rule made since no longer admits: the connection stops
   * receiving on the address, and its client gets the refusal there (as for a refused register).
   */
  void revoke(String address, Throwable why) {
    if (registered.contains(address)) {
      registered.remove(address);
      frames.refuse(new JsonObject().put("type", "register").put("address", address), why);
    }
  }

  /**
   * After its client's own leave of the room ({@code made}: answered as done): its registration there
   * goes too when the room's rule does not admit it (it went on receiving a room made private only
   * as a member), with the refusal on the room's address. A leave that failed may have been made all
   * the same (it answers 503 while the store is down): then it goes if this node's session part no
   * longer counts the connection a member.
   */
  void left(String roomId, boolean made) {
    Identity who = identity();
    String address = Address.room(roomId);
    if (who == null || !registered.contains(address)) {
      return;
    }
    RuntimeException refusal;
    try {
      bridge.guard().checkRegister(who, address);
      return;
    } catch (RuntimeException refused) {
      refusal = refused;
    }
    if (made) {
      revoke(address, refusal);
      return;
    }
    Internal.localMemberships(bridge.eventBus()).onSuccess(members -> {
      if (!members.getJsonArray(id, new JsonArray()).contains(roomId)) {
        revoke(address, refusal);
      }
    });
  }

  String userIdForLog() {
    Identity who = identity();
    return who == null ? "-" : who.userId();
  }

}
