package dev.skillbus.bridge;

import dev.skillbus.auth.Identity;
import dev.skillbus.protocol.Deadline;
import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.JsonInput;
import dev.skillbus.protocol.Inbound;
import dev.skillbus.protocol.Internal;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The frames one {@link BridgeConnection}'s client sends ({@code send}, {@code publish},
 * {@code register}, {@code unregister}, {@code ping}), read frame for frame as Vert.x's own bridge
 * does, with the guard applied to each frame: token, permissions, size, rate, handler count. A
 * refused frame is answered where its client waits; a client that keeps sending what is refused is
 * closed.
 */
final class InboundFrames {

  // The connection's logger: its log lines (opened, refused frame) keep the name the README shows.
  private static final Logger LOG = LoggerFactory.getLogger(BridgeConnection.class);
  /** The body of the answer to a ping with a reply address. */
  private static final JsonObject PONG = new JsonObject().put("pong", true);

  private final BridgeConnection connection;
  private final BridgeSocket socket;
  private final BridgeContext bridge;
  private final SocketIdentity identity;
  private final Registrations registered;
  private final TokenBucket bucket;
  private final Refusals refusals;
  private boolean announced;

  InboundFrames(BridgeConnection connection, BridgeSocket socket, BridgeContext bridge, SocketIdentity identity,
    Registrations registered) {
    this.connection = connection;
    this.socket = socket;
    this.bridge = bridge;
    this.identity = identity;
    this.registered = registered;
    BridgeSettings settings = bridge.settings();
    this.bucket = new TokenBucket(settings.ratePerSecond(), settings.rateBurst(), connection.openedNanos());
    this.refusals = new Refusals(settings.closeAfterRefusals());
  }

  /**
   * Reads a frame the client sent, received at {@code now} (nanos: the connection's
   * {@link BridgeConnection#lastSeen()}, and the time at which the rate is counted).
   */
  void handleFrame(Buffer buffer, long now) {
    bridge.metrics().frameIn();
    // A client that asks for more while it does not read what it asked for: replies never close a
    // socket on their own, but they may not pile up without bound.
    if (socket.bytesBehind() > bridge.settings().replyBacklogMaxBytes()) {
      connection.close(4008, "client too slow");
      return;
    }
    // Over the rate or the size, a frame is only scanned for where to answer, never parsed.
    if (!bucket.tryTake(now)) {
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
      // A ping with a reply address is answered on it, so that a client can tell a connection that
      // still carries frames both ways from one whose path or node died without a close (clients
      // see neither WebSocket pings nor SockJS heartbeats). A ping without one is not: the official
      // client would log an answer it has no handler for.
      if (frame.getValue("replyAddress") instanceof String replyAddress && FrameHead.usable(replyAddress)) {
        connection.deliver(Frames.rec(replyAddress, PONG));
      }
      return;
    }
    Object address = frame.getValue("address");
    if (type == null) {
      refuse(frame, ErrorCode.BAD_REQUEST, "missing_type", "a frame needs a 'type'");
    } else if (!(type instanceof String)) {
      refuse(frame, ErrorCode.BAD_REQUEST, "invalid_type", "'type' must be a string: send, register, unregister or ping");
    } else if (address == null) {
      refuse(frame, ErrorCode.BAD_REQUEST, "missing_address", "a frame needs an 'address'");
    } else if (!(address instanceof String)) {
      refuse(frame, ErrorCode.BAD_REQUEST, "invalid_frame", "'address' must be a string");
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
      if (connection.isClosed()) {
        return;
      }
      if (ar.succeeded()) {
        announce(ar.result());
      } else {
        // Socket-wide: the ping's reply address gets its pong, and that alone.
        refuse(FrameHead.NONE, ar.cause());
      }
    });
  }

  private void dispatch(JsonObject frame, Future<Identity> caller) {
    if (connection.isClosed()) {
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
    // Requests wait for this socket's pending registrations, so that a join sees its own room (and,
    // after a register on the user's address, for the notifications queued for them); a socket that
    // closed meanwhile has left everything, and its requests go nowhere (a join would put a member
    // into the room that no close would ever take out again). A subscription waits on the cluster
    // manager, whose calls to a member that hangs last until Hazelcast's operation timeout: a
    // request whose subscriptions are not in place within the request timeout is refused (503) and
    // sent nowhere. Listeners of one future run in the order they were added: requests keep theirs.
    Future<Void> pending = registered.pending();
    Context context = Vertx.currentContext();
    if (pending.isComplete() || context == null) {
      pending.onComplete(v -> send(caller, inbound, body, (String) replyAddress));
      return;
    }
    registered.ready(context, bridge.settings().requestTimeoutMs()).onComplete(ready -> {
      if (ready.failed()) {
        refuseLate(frame);
      } else {
        send(caller, inbound, body, (String) replyAddress);
      }
    });
  }

  private void refuseLate(JsonObject frame) {
    if (!connection.isClosed()) {
      refuse(frame, ErrorCode.UNAVAILABLE.exception("this connection's registrations were not in place within "
        + bridge.settings().requestTimeoutMs() + " ms (a node of the cluster does not answer): the request was not sent;"
        + " try again"));
    }
  }

  private void send(Identity caller, Inbound inbound, JsonObject body, String replyAddress) {
    if (connection.isClosed()) {
      return;
    }
    DeliveryOptions options = caller.stamp(new DeliveryOptions(), connection.id())
      .setLocalOnly(inbound.nodeLocal())
      .setSendTimeout(bridge.settings().requestTimeoutMs());
    if (!inbound.nodeLocal()) {
      // From when the request leaves, as its timeout.
      Deadline.stamp(options, bridge.settings().requestTimeoutMs());
    }
    forward(inbound, body, options, replyAddress);
  }

  /**
   * Sends the request on, and its answer to the reply address if it has one. A leave is always
   * waited for: once made (even when it answers 503), the connection may no longer be admitted to
   * receive the room.
   */
  private void forward(Inbound inbound, JsonObject body, DeliveryOptions options, String replyAddress) {
    String address = inbound.address();
    boolean leave = inbound == Inbound.SESSION_LEAVE;
    if (replyAddress == null && !leave) {
      bridge.eventBus().send(address, body, options);
      return;
    }
    bridge.eventBus().<Object>request(address, body, options).onComplete(ar -> {
      if (leave && body.getValue(Internal.SESSION_ID) instanceof String roomId) {
        connection.left(roomId, ar.succeeded());
      }
      if (replyAddress == null) {
        return;
      }
      if (ar.succeeded()) {
        connection.deliver(replyFrame(address, replyAddress, ar.result().body()));
      } else {
        ErrorCode code = ErrorCode.of(ar.cause());
        String type = ar.cause() instanceof ReplyException re ? re.failureType().name() : "RECIPIENT_FAILURE";
        connection.deliver(Frames.err(replyAddress, code, type, ErrorCode.messageOf(ar.cause()), "request_failed"));
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
  void refuse(JsonObject frame, Throwable failure) {
    refuse(FrameHead.of(frame), failure);
  }

  private void refuse(FrameHead head, Throwable failure) {
    ErrorCode code = ErrorCode.of(failure);
    refuse(head, code, Frames.reasonOf(code), ErrorCode.messageOf(failure));
  }

  private void refuse(JsonObject frame, ErrorCode code, String reason, String message) {
    refuse(FrameHead.of(frame), code, reason, message);
  }

  private void refuse(FrameHead head, ErrorCode code, String reason, String message) {
    String address = head.answerAddress();
    LOG.info("Refused frame from connection {} of user {} on node {}: {} {}", connection.id(), connection.userIdForLog(), bridge.nodeId(), code.code(), reason);
    bridge.metrics().refused(code);
    connection.deliver(Frames.err(address, code, "RECIPIENT_FAILURE", message, reason));
    if (refusals.countAndCheck(System.nanoTime())) {
      connection.close(4029, "too many refused frames");
    }
  }

  /** The log line of an opened connection, once its user is known: with its first authenticated frame. */
  private void announce(Identity caller) {
    if (!announced) {
      announced = true;
      LOG.info("Connection {} of user {} opened on node {}", connection.id(), caller.userId(), bridge.nodeId());
    }
  }
}
