package dev.skillbus.bench;

import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.Envelope;
import dev.skillbus.protocol.Event;
import dev.skillbus.protocol.Inbound;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * One simulated browser: user {@code u<index>} on one WebSocket, speaking bridge frames with its
 * token on every frame, pinging every 5 s. It encodes (sender, seq) in what it sends (cursor: line =
 * seq, column = sender; chat: {@code data = {s, q}}) and reports each such payload it receives to
 * the {@link Measurements}. Everything but {@link #open} runs on the connection's own context.
 */
final class BenchClient {

  private static final long PING_MS = 5_000;
  private static final String PING = new JsonObject().put("type", "ping").encode();

  private final int index;
  private final String userId;
  private final String room;
  private final WebSocket socket;
  private final Context context;
  private final Measurements measurements;
  private final JsonObject headers;
  private final Map<String, Promise<JsonObject>> pending = new HashMap<>();
  private final long pingTimer;
  private long requests;
  private boolean closing;

  private BenchClient(int index, String room, WebSocket socket, String token, Measurements measurements) {
    this.index = index;
    this.userId = "u" + index;
    this.room = room;
    this.socket = socket;
    this.context = Vertx.currentContext();
    this.measurements = measurements;
    this.headers = new JsonObject().put("authorization", "Bearer " + token);
    socket.textMessageHandler(this::received);
    socket.binaryMessageHandler(buffer -> received(buffer.toString()));
    socket.closeHandler(v -> closed());
    pingTimer = context.owner().setPeriodic(PING_MS, id -> socket.writeTextMessage(PING));
  }

  /** Gets a token for connection {@code index} and opens its WebSocket on its node. */
  static Future<BenchClient> open(Connector connector, LoadOptions options, int index, Measurements measurements) {
    return connector.token(options.url(index), "u" + index, "User " + index)
      .compose(token -> connector.socket(options.url(index))
        .map(socket -> new BenchClient(index, options.room(index), socket, token, measurements)));
  }

  /** Registers on the room and joins it; the join time (register to reply) goes to the measurements. */
  Future<BenchClient> join() {
    long start = System.nanoTime();
    write(new JsonObject().put("type", "register").put("address", Address.room(room)));
    return request(Inbound.SESSION_JOIN.address(), new JsonObject().put("sessionId", room))
      .map(reply -> {
        measurements.joined(System.nanoTime() - start);
        return this;
      })
      .recover(e -> Future.failedFuture(userId + " could not join " + room + ": " + e.getMessage()));
  }

  /** Sends message {@code seq} of this connection, without waiting for anything. */
  void send(Mode mode, long seq) {
    if (mode == Mode.CURSOR) {
      sendFrame(Inbound.SESSION_CURSOR.address(), new JsonObject().put("sessionId", room)
        .put("line", seq).put("column", index), null);
    } else {
      // A reply address, as a browser's chat would have; the reply is not waited for.
      sendFrame(Inbound.SESSION_MESSAGE.address(), new JsonObject().put("sessionId", room).put("text", "m")
        .put("data", new JsonObject().put("s", index).put("q", seq)), nextReplyAddress());
    }
  }

  Context context() {
    return context;
  }

  Future<Void> close() {
    closing = true;
    context.owner().cancelTimer(pingTimer);
    return socket.close();
  }

  private Future<JsonObject> request(String address, JsonObject body) {
    String replyAddress = nextReplyAddress();
    Promise<JsonObject> reply = Promise.promise();
    pending.put(replyAddress, reply);
    sendFrame(address, body, replyAddress);
    return reply.future();
  }

  private void sendFrame(String address, JsonObject body, String replyAddress) {
    JsonObject frame = new JsonObject().put("type", "send").put("address", address).put("body", body);
    if (replyAddress != null) {
      frame.put("replyAddress", replyAddress);
    }
    write(frame);
  }

  private void write(JsonObject frame) {
    socket.writeTextMessage(frame.put("headers", headers).encode());
  }

  private String nextReplyAddress() {
    return "r." + index + "." + (++requests);
  }

  private void received(String text) {
    long now = System.nanoTime();
    JsonObject frame = new JsonObject(text);
    String type = frame.getString("type");
    if ("err".equals(type)) {
      measurements.error();
      Promise<JsonObject> waiting = pending.remove(frame.getString("address"));
      if (waiting != null) {
        waiting.fail(frame.getInteger("failureCode") + " " + frame.getString("message"));
      }
    } else if ("rec".equals(type) && frame.getValue("body") instanceof JsonObject body) {
      Promise<JsonObject> waiting = pending.remove(frame.getString("address"));
      if (waiting != null) {
        waiting.complete(body);
      } else {
        event(body, now);
      }
    }
  }

  private void event(JsonObject envelope, long now) {
    String event = envelope.getString(Envelope.EVENT);
    if (!(envelope.getValue(Envelope.DATA) instanceof JsonObject data)) {
      return;
    }
    if (Event.CURSOR_MOVED.equals(event)) {
      cursorMoved(data, now);
    } else if (Event.MESSAGE.equals(event) && data.getValue("data") instanceof JsonObject echo
      && echo.getValue("s") instanceof Integer sender) {
      measurements.received(sender, echo.getLong("q"), now);
    }
  }

  private void cursorMoved(JsonObject data, long now) {
    if (userId.equals(data.getString("userId"))) {
      measurements.selfDelivery();
    } else if (data.getValue("cursor") instanceof JsonObject cursor) {
      measurements.received(cursor.getInteger("column"), cursor.getLong("line"), now);
    }
  }

  private void closed() {
    context.owner().cancelTimer(pingTimer);
    if (!closing) {
      measurements.disconnect();
    }
    String reason = socket.closeReason() == null || socket.closeReason().isEmpty() ? "" : ": " + socket.closeReason();
    pending.values().forEach(p -> p.tryFail("connection closed (" + socket.closeStatusCode() + reason + ")"));
    pending.clear();
  }
}
