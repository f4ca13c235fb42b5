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
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * How a raw bridge WebSocket closes: on the client's close, with or without a status, one the
 * client sends while it does not read, the bridge's own close, and a message over the limit.
 */
@DisplayName("A raw bridge WebSocket: closing")
class RawBridgeSocketCloseTest extends RawBridgeSocketFixture {

  /** The status of the close frame the client got (its answer to the client's own close included). */
  private static Future<Short> closeStatus(WebSocket ws) {
    Promise<Short> status = Promise.promise();
    ws.closeHandler(v -> status.tryComplete(ws.closeStatusCode()));
    return status.future();
  }

  @Test
  @DisplayName("answers a client's close with its status and tells the bridge the socket closed")
  void clientClose() throws Exception {
    WebSocket ws = connect();
    await(opened.future());
    Future<Short> status = closeStatus(ws);
    ws.close((short) 4001, "bye");
    assertThat(await(status)).isEqualTo((short) 4001);
    await(closed.future());
  }

  @Test
  @DisplayName("answers a close without a status with a close without a status")
  void clientCloseWithoutStatus() throws Exception {
    Buffer in = Buffer.buffer();
    NetSocket raw = rawUpgrade(in);
    Promise<Void> gone = Promise.promise();
    raw.closeHandler(gone::tryComplete);
    // A masked close frame with an empty body: "no status code was present" (RFC 6455, 7.4.1).
    raw.write(Buffer.buffer().appendByte((byte) 0x88).appendByte((byte) 0x80).appendInt(0));
    await(gone.future());
    assertThat(in.getBytes()).containsExactly(0x88, 0x00);
    await(closed.future());
  }

  /** A masked frame (mask 0) with a payload under 126 bytes, as a client sends it. */
  private static Buffer clientFrame(int opcode, Buffer payload) {
    return Buffer.buffer().appendByte((byte) (0x80 | opcode)).appendByte((byte) (0x80 | payload.length()))
      .appendInt(0).appendBuffer(payload);
  }

  @Test
  @DisplayName("drops the TCP connection of a client that closes while it does not read what it was sent")
  void clientClosesWithoutReading() throws Exception {
    Buffer in = Buffer.buffer();
    NetSocket raw = rawUpgrade(in);
    RawBridgeSocket socket = await(opened.future());
    raw.pause();
    raw.write(clientFrame(0x1, Buffer.buffer("flood 2000")));
    await(Eventually.holds(vertx, 10, 20_000, () -> Future.succeededFuture(!socket.writable())));
    raw.write(clientFrame(0x8, Buffer.buffer().appendShort((short) 1000)));
    // The answer to the close cannot be written behind what the client does not read: the
    // connection goes after the closing timeout all the same.
    long sent = System.nanoTime();
    await(closed.future());
    assertThat((System.nanoTime() - sent) / 1_000_000).isLessThan(RawBridgeSocket.CLOSING_TIMEOUT_MS * 3);
  }

  @Test
  @DisplayName("closes with the bridge's code and reason, and the TCP connection goes too")
  void serverClose() throws Exception {
    WebSocket ws = connect();
    RawBridgeSocket socket = await(opened.future());
    Promise<String> reason = Promise.promise();
    ws.closeHandler(v -> reason.tryComplete(ws.closeStatusCode() + " " + ws.closeReason()));
    vertx.runOnContext(v -> socket.close(4008, "client too slow"));
    assertThat(await(reason.future())).isEqualTo("4008 client too slow");
    await(closed.future());
  }

  @Test
  @DisplayName("closes with 1009 on a message longer than the limit")
  void tooLong() throws Exception {
    WebSocket ws = connect();
    await(opened.future());
    Future<Short> status = closeStatus(ws);
    ws.writeFrame(WebSocketFrame.textFrame("x".repeat(MAX_MESSAGE - 10), false));
    ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("y".repeat(20)), true));
    assertThat(await(status)).isEqualTo((short) 1009);
    assertThat(received).isEmpty();
  }
}
