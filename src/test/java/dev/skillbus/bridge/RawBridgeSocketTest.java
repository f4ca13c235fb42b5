package dev.skillbus.bridge;

import static dev.skillbus.testing.Servers.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.testing.Clients;
import dev.skillbus.testing.Eventually;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.core.transport.Transport;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The raw WebSocket under {@code /eventbus/websocket}, on its own: a server whose sockets echo
 * each message, so that the transport's duties are seen apart from the bridge's. It runs on
 * Linux's epoll, the default transport, where a lone frame is sent straight to the socket;
 * {@link RawBridgeSocketNioTest} runs the same cases on Java NIO.
 */
@DisplayName("A raw bridge WebSocket")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RawBridgeSocketTest {

  static final int MAX_MESSAGE = 1024;
  static final int FLOOD_FRAME = 16 * 1024;
  static Vertx vertx;
  static HttpServer server;
  /** Held here: Vert.x closes a client nothing refers to, with its connections (see {@code Clients}). */
  static NetClient tcp;
  static volatile Promise<RawBridgeSocket> opened;
  static volatile Promise<Void> closed;
  static volatile Promise<List<String>> pausedSaw;
  static volatile WeakReference<HttpConnection> httpConnection;
  static final List<String> received = new CopyOnWriteArrayList<>();

  Transport transport() {
    return Transport.EPOLL;
  }

  @BeforeAll
  void start() throws Exception {
    assertThat(transport().available()).as("transport %s", transport()).isTrue();
    vertx = Vertx.builder().withTransport(transport()).build();
    tcp = vertx.createNetClient();
    server = await(vertx.createHttpServer()
      .requestHandler(request -> {
        httpConnection = new WeakReference<>(request.connection());
        boolean late = request.uri().endsWith("?late");
        RawBridgeSocket.upgrade(request, MAX_MESSAGE, 0).onSuccess(socket -> {
          if (late) {
            // The bridge's handlers come a while after the upgrade: what arrives meanwhile waits.
            vertx.setTimer(200, id -> startEcho(socket));
          } else {
            startEcho(socket);
          }
          opened.complete(socket);
        });
      })
      .listen(0, "127.0.0.1"));
  }

  /** Echoes each message, except that "pause" pauses the socket until the frames of its read were handled. */
  private static void startEcho(RawBridgeSocket socket) {
    Promise<Void> whenClosed = closed;
    socket.start(frame -> {
      received.add(frame.toString());
      if (frame.toString().equals("pause")) {
        socket.pause();
        // Runs after the frames of this read were handled: what the bridge was given while paused.
        Vertx.currentContext().runOnContext(v -> {
          pausedSaw.tryComplete(List.copyOf(received));
          socket.resume();
          // As the bridge does: it resumes, then handles the frame it paused for.
          received.add("handled after resume");
        });
      } else if (frame.toString().startsWith("flood ")) {
        // Numbered frames of FLOOD_FRAME bytes each, written at once, whether the client reads or not.
        int count = Integer.parseInt(frame.toString().substring(6));
        for (int i = 0; i < count; i++) {
          OutFrame numbered = new OutFrame(Buffer.buffer(i + ":").appendString("x".repeat(FLOOD_FRAME)));
          socket.write(numbered);
          numbered.release();
        }
      } else {
        OutFrame echo = new OutFrame(frame);
        socket.write(echo);
        echo.release();
      }
    }, v -> whenClosed.tryComplete());
  }

  @AfterAll
  void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @BeforeEach
  void reset() {
    opened = Promise.promise();
    closed = Promise.promise();
    pausedSaw = Promise.promise();
    received.clear();
  }

  private static WebSocket connect() throws Exception {
    return connect("/eventbus/websocket");
  }

  private static WebSocket connect(String uri) throws Exception {
    return await(Clients.websocket(vertx, new WebSocketConnectOptions().setHost("127.0.0.1")
      .setPort(server.actualPort()).setURI(uri))).socket();
  }

  /** Sends a text message and expects it back. */
  private static void assertEchoes(WebSocket ws, String text) throws Exception {
    Future<String> echo = nextText(ws);
    ws.writeTextMessage(text);
    assertThat(await(echo)).isEqualTo(text);
  }

  /**
   * Upgrades over a plain TCP connection, for frames a WebSocket client would not send; what the
   * server sends after its 101 response is appended to {@code in}.
   */
  private static NetSocket rawUpgrade(Buffer in) throws Exception {
    NetSocket raw = await(tcp.connect(server.actualPort(), "127.0.0.1"));
    Promise<Void> upgraded = Promise.promise();
    Buffer head = Buffer.buffer();
    raw.handler(bytes -> {
      if (upgraded.future().isComplete()) {
        in.appendBuffer(bytes);
        return;
      }
      head.appendBuffer(bytes);
      int end = head.toString().indexOf("\r\n\r\n");
      if (end >= 0) {
        in.appendBuffer(head.getBuffer(end + 4, head.length()));
        upgraded.tryComplete();
      }
    });
    raw.write("GET /eventbus/websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    await(upgraded.future());
    assertThat(head.toString()).startsWith("HTTP/1.1 101");
    await(opened.future());
    return raw;
  }

  /** The status of the close frame the client got (its answer to the client's own close included). */
  private static Future<Short> closeStatus(WebSocket ws) {
    Promise<Short> status = Promise.promise();
    ws.closeHandler(v -> status.tryComplete(ws.closeStatusCode()));
    return status.future();
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
