package dev.skillbus.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.testing.BridgeClient;
import dev.skillbus.testing.Clients;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Clients that send nothing for the ping timeout, or stop reading the events of a room over a
 * WebSocket or SockJS: the bridge closes them rather than buffer for them without limit.
 */
@DisplayName("The bridge's limits on silent and slow clients")
class BridgeSlowClientTest extends BridgeLimitsFixture {

  @Test
  @DisplayName("closes a connection that sends nothing for the ping timeout, and keeps one that pings")
  void pingTimeout() throws Exception {
    BridgeClient silent = await(BridgeClient.connectAs(vertx, port, "quiet", "learner"));
    BridgeClient pinging = await(BridgeClient.connectAs(vertx, port, "chatty", "learner"));
    long periodic = vertx.setPeriodic(200, id -> pinging.writeFrame(new JsonObject().put("type", "ping")));
    try {
      assertThat(await(silent.closed())).isEqualTo((short) 4000);
      assertThat(pinging.closed().isComplete()).isFalse();
    } finally {
      vertx.cancelTimer(periodic);
      pinging.close();
    }
  }

  @Test
  @DisplayName("answers a ping that carries a reply address on it, at once, and a ping without one not at all")
  void pingWithAReplyAddressIsAnswered() throws Exception {
    BridgeClient client = await(BridgeClient.connectAs(vertx, port, "pinger", "learner"));
    try {
      Future<JsonObject> pong = client.next(f -> "pong-1".equals(f.getString("address")));
      Future<JsonObject> anyOther = client.next(f -> !"pong-1".equals(f.getString("address")));
      client.writeFrame(new JsonObject().put("type", "ping"));
      client.writeFrame(new JsonObject().put("type", "ping").put("replyAddress", "pong-1"));
      assertThat(await(pong)).isEqualTo(new JsonObject().put("type", "rec").put("address", "pong-1")
        .put("body", new JsonObject().put("pong", true)));
      assertThat(anyOther.isComplete()).as("the ping without a reply address got no answer before the one with").isFalse();
    } finally {
      client.close();
    }
  }

  @Test
  @DisplayName("closes a client that stops reading instead of buffering for it without limit")
  void slowConsumer() throws Exception {
    assertClosedWhenItStopsReading("/eventbus/websocket", frame -> frame, TOO_SLOW, BridgeSlowClientTest::floodUntilClosed);
  }

  @Test
  @DisplayName("counts what a stalled client is behind in bytes: a few large frames are enough to close it")
  void slowConsumerOfLargeFrames() throws Exception {
    // 400 frames of 60 KB: far more than the kernel's buffers take, far fewer frames than a bound in
    // frames would need to be sure of a client's memory.
    Buffer big = new JsonObject().put("event", "message").put("data", new JsonObject().put("text", "x".repeat(60_000))).toBuffer();
    assertClosedWhenItStopsReading("/eventbus/websocket", frame -> frame, TOO_SLOW, (room, closed) -> {
      for (int i = 0; i < 400; i++) {
        vertx.eventBus().publish(room, big);
      }
    });
  }

  @Test
  @DisplayName("closes a SockJS WebSocket client that stops reading too")
  void slowSockJsConsumer() throws Exception {
    // Behind that much unsent data, the SockJS session's own close frame does not reach the client.
    assertClosedWhenItStopsReading("/eventbus/000/slowsession/websocket", frame -> new JsonArray().add(frame).encode(),
      null, BridgeSlowClientTest::floodUntilClosed);
  }

  /** Publishes one event of 4 KB to the room per tick (whatever a transport queues per turn is written out each time). */
  static void floodUntilClosed(String room, Future<String> closed) {
    Buffer event = new JsonObject().put("event", "message").put("data", new JsonObject().put("text", "x".repeat(4_000))).toBuffer();
    long timer = vertx.setPeriodic(1, id -> vertx.eventBus().publish(room, event));
    closed.onComplete(ar -> vertx.cancelTimer(timer));
  }

  /**
   * A client on {@code uri} (its frames framed by {@code framing}) registers on a room and stops
   * reading, while it keeps pinging so that nothing but being behind closes it; {@code flood} then
   * publishes to the room, and the server must close the client's socket, with {@code closeCode}
   * when it is not null.
   */
  static void assertClosedWhenItStopsReading(String uri, UnaryOperator<String> framing, Short closeCode,
                                             BiConsumer<String, Future<String>> flood) throws Exception {
    String room = "room.flood-" + UUID.randomUUID();
    Clients.Connected connected = await(Clients.websocket(vertx, new WebSocketConnectOptions()
      .setHost("127.0.0.1").setPort(port).setURI(uri)));
    var socket = connected.socket();
    String user = "slow-" + UUID.randomUUID();
    String token = await(BridgeClient.token(vertx, port, user, "Slow", "learner"));
    socket.writeTextMessage(framing.apply(new JsonObject().put("type", "register").put("address", room)
      .put("headers", new JsonObject().put("authorization", "Bearer " + token)).encode()));
    Promise<Void> registered = Promise.promise();
    socket.textMessageHandler(text -> {
      if (text.contains("marker")) {
        registered.tryComplete();
      }
    });
    // The close must be this socket's own.
    Promise<Short> socketClosed = Promise.promise();
    socket.closeHandler(v -> socketClosed.tryComplete(socket.closeStatusCode()));
    Buffer marker = new JsonObject().put("event", "marker").toBuffer();
    long marking = vertx.setPeriodic(20, id -> vertx.eventBus().publish(room, marker));
    await(registered.future().onComplete(ar -> vertx.cancelTimer(marking)));
    String ping = framing.apply(new JsonObject().put("type", "ping").encode());
    long pinging = vertx.setPeriodic(PING_TIMEOUT_MS / 4, id -> socket.writeTextMessage(ping));
    socket.pause();
    Future<String> closed = nextClosed(user);
    try {
      flood.accept(room, closed);
      assertThat(await(closed)).startsWith("limits-");
      socket.resume();
      Short code = await(socketClosed.future());
      if (closeCode != null) {
        assertThat(code).isEqualTo(closeCode);
      }
    } finally {
      vertx.cancelTimer(pinging);
      socket.resume();
      Clients.closeClient(connected.client());
    }
  }
}
