package dev.skillbus.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.protocol.Inbound;
import dev.skillbus.testing.BridgeClient;
import dev.skillbus.testing.Eventually;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Replies a client asked for and has not read yet: they do not make it a slow client, until it
 * keeps asking with more than {@code replyBacklogMaxBytes} of them waiting.
 */
@DisplayName("The bridge's limit on replies a client has not read")
class BridgeReplyBacklogTest extends BridgeLimitsFixture {

  @Test
  @DisplayName("replies do not close a client that asked for them, far past the bound on events")
  void largeRepliesDoNotCountAsSlow() throws Exception {
    var history = answerHistoryWith200Kb();
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
      .setMaxFrameSize(1024 * 1024).setMaxMessageSize(1024 * 1024));
    try {
      await(history.completion());
      WebSocket socket = await(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/eventbus/websocket")));
      String token = await(BridgeClient.token(vertx, port, "reader", "Reader", "learner"));
      int requests = 60;
      Promise<Void> allAnswered = Promise.promise();
      int[] answered = {0};
      socket.textMessageHandler(text -> {
        if (text.contains("\"hist-") && ++answered[0] == requests) {
          allAnswered.complete();
        }
      });
      socket.pause();
      double framesOutBefore = framesOut();
      // 12 MB of replies: far past the kernel's buffers and the 256 KB bound while it does not read.
      for (int i = 0; i < requests; i++) {
        socket.writeTextMessage(new JsonObject().put("type", "send").put("address", Inbound.SESSION_HISTORY.address())
          .put("replyAddress", "hist-" + i).put("body", new JsonObject().put("sessionId", "r").put("since", 0))
          .put("headers", new JsonObject().put("authorization", "Bearer " + token)).encode());
      }
      // Every reply written while it still does not read; then it reads them all.
      Eventually.holds(vertx, 20, 10_000, () -> Future.succeededFuture(framesOut() >= framesOutBefore + requests)).await();
      socket.resume();
      await(allAnswered.future());
    } finally {
      history.unregister();
      client.close();
    }
  }

  /** Takes the session service's place, answering each history read with 200 KB. */
  static MessageConsumer<JsonObject> answerHistoryWith200Kb() throws Exception {
    JsonObject page = new JsonObject().put("events", new JsonArray().add("h".repeat(200_000)));
    var history = vertx.eventBus().<JsonObject>localConsumer(Inbound.SESSION_HISTORY.address(), m -> m.reply(page));
    await(history.completion());
    return history;
  }

  @Test
  @DisplayName("closes a client that keeps asking while more than replyBacklogMaxBytes of replies wait for it to read")
  void requestsWithoutReadingClose() throws Exception {
    var history = answerHistoryWith200Kb();
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
      .setMaxFrameSize(1024 * 1024).setMaxMessageSize(1024 * 1024));
    try {
      WebSocket socket = await(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/eventbus/websocket")));
      String user = "asker-" + UUID.randomUUID();
      String token = await(BridgeClient.token(vertx, port, user, "Asker", "learner"));
      Promise<Short> socketClosed = Promise.promise();
      socket.closeHandler(v -> socketClosed.tryComplete(socket.closeStatusCode()));
      Future<String> closed = nextClosed(user);
      socket.pause();
      // One request every 5 ms (within the rate limit), each answered with 200 KB, until the server
      // closes the socket; 400 of them would be 80 MB.
      int[] sent = {0};
      long asking = vertx.setPeriodic(5, id -> {
        if (sent[0]++ < 400 && !closed.isComplete()) {
          socket.writeTextMessage(new JsonObject().put("type", "send").put("address", Inbound.SESSION_HISTORY.address())
            .put("replyAddress", "ask-" + sent[0]).put("body", new JsonObject().put("sessionId", "r").put("since", 0))
            .put("headers", new JsonObject().put("authorization", "Bearer " + token)).encode());
        }
      });
      try {
        assertThat(await(closed)).startsWith("limits-");
      } finally {
        vertx.cancelTimer(asking);
      }
      socket.resume();
      assertThat(await(socketClosed.future())).isEqualTo(TOO_SLOW);
    } finally {
      history.unregister();
      client.close();
    }
  }

  static double framesOut() {
    return metrics.registry().find("skillbus.messages.out").functionCounter().count();
  }
}
