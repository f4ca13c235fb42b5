package dev.skillbus.bridge;

import dev.skillbus.auth.Identity;
import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.JsonInput;
import dev.skillbus.protocol.Inbound;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One browser connection speaking the Vert.x bridge protocol ({@code send}, {@code publish},
 * {@code register}, {@code unregister}, {@code ping}) over SockJS, frame for frame as Vert.x's own
 * bridge does, with the guard applied to each frame: token, permissions, size, rate, handler count.
 */
final class BridgeConnection {

  private static final Logger LOG = LoggerFactory.getLogger(BridgeConnection.class);

  private final String id;
  private final BridgeSocket socket;
  private final BridgeContext bridge;
  private final Registrations registered;
  private final TokenBucket bucket;
  private final Refusals refusals;
  private final SocketIdentity identity;
  private final long openedAt = System.currentTimeMillis();
  private final long openedNanos = System.nanoTime();
  private long lastSeen = openedNanos;
  private boolean announced;
  private String closeReason;
  private boolean closed;
  // Those who wait for the socket to drain before they write (see writable()).
  private Promise<Boolean> drain;

  BridgeConnection(String id, BridgeSocket socket, BridgeContext bridge) {
    this.id = id;
    this.socket = socket;
    this.bridge = bridge;
    BridgeSettings settings = bridge.settings();
    this.bucket = new TokenBucket(settings.ratePerSecond(), settings.rateBurst(), lastSeen);
    this.refusals = new Refusals(settings.closeAfterRefusals());
    this.identity = new SocketIdentity(bridge.tokens(), bridge.guard());
    this.registered = new Registrations(this, bridge);
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
   * Writes a durable frame that its sender paces (see {@link #writable()}), and completes once the
   * transport wrote it ({@link BridgeSocket#writeConfirmed}): true then, false when the connection
   * closed first.
   */
  Future<Boolean> deliverConfirmed(OutFrame frame) {
    if (closed) {
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

  private void handleFrame(Buffer buffer) {
    lastSeen = System.nanoTime();
    bridge.metrics().frameIn();
    // A client that asks for more while it does not read what it asked for: replies never close a
    // socket on their own, but they may not pile up without bound.
    if (socket.bytesBehind() > bridge.settings().replyBacklogMaxBytes()) {
      close(4008, "client too slow");
      return;
    }
    // Over the rate or the size, a frame is only scanned for where to answer, never parsed.
    if (!bucket.tryTake(lastSeen)) {
      refuse(FrameHead.scan(buffer), ErrorCode.RATE_LIMITED, "rate_limited", "too many frames; slow down");
      return;
    }
    if (buffer.length() > bridge.settings().maxFrameBytes()) {
      refuse(FrameHead.scan(buffer), ErrorCode.TOO_LARGE, "too_large",
        "frames are limited to " + bridge.settings().maxFrameBytes() + " bytes");
      return;
    }
    JsonObject frame;
    try {
      frame = JsonInput.object(buffer, "a frame");
    } catch (RuntimeException e) {
      // Answered where the frame says, when that much of it can be read.
      refuse(FrameHead.scan(buffer), ErrorCode.BAD_REQUEST, "invalid_json", e.getMessage());
      return;
    }
    handleTyped(frame);
  }

  private void handleTyped(JsonObject frame) {
    Object type = frame.getValue("type");
    if ("ping".equals(type)) {
      // A ping may carry a newer token, so that a socket that only listens outlives its first one.
      if (frame.containsKey("headers")) {
        renewToken(frame);
      }
      return;
    }
    if (!(type instanceof String)) {
      refuse(frame, ErrorCode.BAD_REQUEST, "missing_type", "a frame needs a 'type'");
    } else if (!(frame.getValue("address") instanceof String)) {
      refuse(frame, ErrorCode.BAD_REQUEST, "missing_address", "a frame needs an 'address'");
    } else {
      Future<Identity> caller = identity.authenticate(frame);
      if (caller.isComplete()) {
        dispatch(frame, caller);
      } else {
        // Keep frames in order while a token is verified.
        socket.pause();
        caller.onComplete(ar -> {
          socket.resume();
          dispatch(frame, caller);
        });
      }
    }
  }

  private void renewToken(JsonObject frame) {
    identity.authenticate(frame).onComplete(ar -> {
      if (closed) {
        return;
      }
      if (ar.succeeded()) {
        announce(ar.result());
      } else {
        refuse(frame, ar.cause());
      }
    });
  }

  private void dispatch(JsonObject frame, Future<Identity> caller) {
    if (closed) {
      return;
    }
    if (caller.failed()) {
      refuse(frame, caller.cause());
      return;
    }
    announce(caller.result());
    try {
      switch (frame.getString("type")) {
        case "send" -> handleSend(frame, caller.result());
        case "register" -> registered.add(frame.getString("address"), caller.result());
        case "unregister" -> registered.remove(frame.getString("address"));
        case "publish" -> refuse(frame, ErrorCode.FORBIDDEN, "access_denied", "publishing is not permitted; use send");
        default -> refuse(frame, ErrorCode.BAD_REQUEST, "invalid_type", "unknown frame type");
      }
    } catch (RuntimeException e) {
      refuse(frame, e);
    }
  }

  private void handleSend(JsonObject frame, Identity caller) {
    Inbound inbound = bridge.guard().checkSend(frame.getString("address"));
    Object replyAddress = frame.getValue("replyAddress");
    if (replyAddress != null && !(replyAddress instanceof String r && FrameHead.usable(r))) {
      refuse(FrameHead.NONE, ErrorCode.BAD_REQUEST, "invalid_reply_address", "'replyAddress' must be a string of 1 to " + FrameHead.MAX_REPLY_ADDRESS + " characters");
      return;
    }
    if (!(frame.getValue("body") instanceof JsonObject body)) {
      refuse(frame, ErrorCode.BAD_REQUEST, "invalid_body", "'body' must be a JSON object");
      return;
    }
    DeliveryOptions options = caller.stamp(new DeliveryOptions(), id)
      .setLocalOnly(inbound.nodeLocal())
      .setSendTimeout(bridge.settings().requestTimeoutMs());
    // Requests wait for this socket's pending registrations, so that a join sees its own room; a
    // socket that closed meanwhile has left everything, and its requests go nowhere (a join would
    // put a member into the room that no close would ever take out again).
    registered.pending().onComplete(v -> {
      if (!closed) {
        forward(inbound.address(), body, options, (String) replyAddress);
      }
    });
  }

  private void forward(String address, JsonObject body, DeliveryOptions options, String replyAddress) {
    if (replyAddress == null) {
      bridge.eventBus().send(address, body, options);
      return;
    }
    bridge.eventBus().<Object>request(address, body, options).onComplete(ar -> {
      if (ar.succeeded()) {
        deliver(replyFrame(address, replyAddress, ar.result().body()));
      } else {
        ErrorCode code = ErrorCode.of(ar.cause());
        String type = ar.cause() instanceof ReplyException re ? re.failureType().name() : "RECIPIENT_FAILURE";
        deliver(Frames.err(replyAddress, code, type, ErrorCode.messageOf(ar.cause()), "request_failed"));
      }
    });
  }

  /**
   * The {@code rec} frame of a reply, or a 500 on the reply address when the reply cannot be
   * written as JSON (history stored before client input was limited in depth may nest too deep):
   * every request gets an answer.
   */
  private static Buffer replyFrame(String address, String replyAddress, Object body) {
    try {
      return Frames.rec(replyAddress, body);
    } catch (RuntimeException | StackOverflowError e) {
      // Nested too deep for Jackson (an exception) or for the stack, as its serializers recurse.
      LOG.error("The reply of a request to {} could not be written as JSON: {}", address, e.toString());
      return Frames.err(replyAddress, ErrorCode.INTERNAL, "RECIPIENT_FAILURE", ErrorCode.messageOf(e), Frames.reasonOf(ErrorCode.INTERNAL));
    }
  }

  /**
   * Answers a refused frame: on its reply address when it has one (or on the address of a refused
   * register, where the client's handler waits), else with a global error frame.
   */
  private void refuse(JsonObject frame, Throwable failure) {
    ErrorCode code = ErrorCode.of(failure);
    refuse(frame, code, Frames.reasonOf(code), ErrorCode.messageOf(failure));
  }

  private void refuse(JsonObject frame, ErrorCode code, String reason, String message) {
    refuse(FrameHead.of(frame), code, reason, message);
  }

  private void refuse(FrameHead head, ErrorCode code, String reason, String message) {
    String address = head.answerAddress();
    LOG.info("Refused frame from connection {} of user {} on node {}: {} {}", id, userIdForLog(), bridge.nodeId(), code.code(), reason);
    bridge.metrics().refused(code);
    deliver(Frames.err(address, code, "RECIPIENT_FAILURE", message, reason));
    if (refusals.countAndCheck(System.nanoTime())) {
      close(4029, "too many refused frames");
    }
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

  /** The log line of an opened connection, once its user is known: with its first authenticated frame. */
  private void announce(Identity caller) {
    if (!announced) {
      announced = true;
      LOG.info("Connection {} of user {} opened on node {}", id, caller.userId(), bridge.nodeId());
    }
  }

  // Operations: an admin moves this connection's user in or out of a room (ops), as its client would.

  /** When the socket opened, epoch millis. */
  long openedAt() {
    return openedAt;
  }

  /** Registers on an address for the user, as a register frame would; completes once it is in place. */
  Future<Void> registerForUser(String address) {
    registered.add(address, identity());
    return registered.pending().compose(v -> closed
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
      refuse(new JsonObject().put("type", "register").put("address", address), why);
    }
  }

  private String userIdForLog() {
    Identity who = identity();
    return who == null ? "-" : who.userId();
  }

}
