package dev.skillbus.bridge;

import static dev.skillbus.testing.Servers.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.testing.Eventually;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.net.NetSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What a raw bridge WebSocket reads and writes: messages whole and in order, pings, what arrives
 * before the bridge's handlers or while it is paused, and every frame to a client that falls behind.
 */
@DisplayName("A raw bridge WebSocket: messages, pauses and a client that falls behind")
class RawBridgeSocketMessagesTest extends RawBridgeSocketFixture {

  /** Sends a text message and expects it back. */
  private static void assertEchoes(WebSocket ws, String text) throws Exception {
    Future<String> echo = nextText(ws);
    ws.writeTextMessage(text);
    assertThat(await(echo)).isEqualTo(text);
  }

  private static Future<String> nextText(WebSocket ws) {
    Promise<String> text = Promise.promise();
    ws.textMessageHandler(text::tryComplete);
    return text.future();
  }

  @Test
  @DisplayName("echoes text and binary messages, reassembles a fragmented one, and answers pings")
  void messagesAndPings() throws Exception {
    WebSocket ws = connect();
    assertEchoes(ws, "{\"n\":1}");

    Future<String> second = nextText(ws);
    ws.writeBinaryMessage(Buffer.buffer("{\"n\":2}"));
    assertThat(await(second)).isEqualTo("{\"n\":2}");

    Future<String> fragmented = nextText(ws);
    ws.writeFrame(WebSocketFrame.textFrame("{\"part\":", false));
    ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("\"one\","), false));
    ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("\"two\":3}"), true));
    assertThat(await(fragmented)).isEqualTo("{\"part\":\"one\",\"two\":3}");

    Promise<Buffer> pong = Promise.promise();
    ws.pongHandler(pong::tryComplete);
    ws.writePing(Buffer.buffer("are you there"));
    assertThat(await(pong.future()).toString()).isEqualTo("are you there");
    ws.close();
  }

  @Test
  @DisplayName("keeps the messages that arrive before the bridge set its handlers")
  void messagesBeforeStart() throws Exception {
    WebSocket ws = connect("/eventbus/websocket?late");
    assertEchoes(ws, "early");
    ws.close();
  }

  @Test
  @DisplayName("holds the messages read while it is paused and hands them over in order after resuming")
  void pauseHoldsMessages() throws Exception {
    // Four frames in one TCP write, so that the server reads them together: the first pauses the
    // socket (as the bridge does while it verifies a token), the other three are read while paused.
    NetSocket raw = rawUpgrade(Buffer.buffer());
    Buffer frames = Buffer.buffer();
    for (String text : List.of("pause", "a", "b", "c")) {
      // Final text frame, masked with a zero key (clients must mask; a zero key leaves the bytes as they are).
      frames.appendByte((byte) 0x81).appendByte((byte) (0x80 | text.length())).appendInt(0).appendString(text);
    }
    raw.write(frames);
    assertThat(await(pausedSaw.future())).containsExactly("pause");
    await(Eventually.holds(vertx, 10, 10_000, () -> Future.succeededFuture(received.size() == 5)));
    assertThat(received).containsExactly("pause", "handled after resume", "a", "b", "c");
    raw.close();
  }

  @Test
  @DisplayName("keeps none of Vert.x's HTTP connection objects once upgraded, and still works")
  void releasesVertxConnection() throws Exception {
    WebSocket ws = connect();
    await(opened.future());
    await(Eventually.holds(vertx, 50, 10_000, () -> {
      System.gc();
      return Future.succeededFuture(httpConnection.get() == null);
    }));
    assertEchoes(ws, "still here");
    ws.close();
  }

  @Test
  @DisplayName("gets every frame to a client that stopped reading, whole and in order, once it reads again")
  void clientFallsBehind() throws Exception {
    WebSocket ws = connect();
    RawBridgeSocket socket = await(opened.future());
    List<String> got = new CopyOnWriteArrayList<>();
    ws.textMessageHandler(got::add);
    ws.pause();
    int count = 2000;
    ws.writeTextMessage("flood " + count);
    // The kernel's buffers are full and the rest waits in the channel: part of a frame was sent.
    await(Eventually.holds(vertx, 10, 20_000, () -> Future.succeededFuture(!socket.writable())));
    ws.resume();
    await(Eventually.holds(vertx, 10, 30_000, () -> Future.succeededFuture(got.size() == count)));
    String payload = "x".repeat(FLOOD_FRAME);
    for (int i = 0; i < count; i++) {
      assertThat(got.get(i)).as("frame %d", i).isEqualTo(i + ":" + payload);
    }
    ws.close();
  }
}
