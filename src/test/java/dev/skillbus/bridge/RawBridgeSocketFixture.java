package dev.skillbus.bridge;

import static dev.skillbus.testing.Servers.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.testing.Clients;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
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
import org.junit.jupiter.api.TestInstance;

/**
 * The raw WebSocket under {@code /eventbus/websocket}, on its own: a server whose sockets echo
 * each message, so that the transport's duties are seen apart from the bridge's. It runs on
 * Linux's epoll, the default transport, where a lone frame is sent straight to the socket; the
 * classes whose names end in {@code NioTest} run the same cases on Java NIO. Each test class
 * starts its own Vert.x and server, and closes them after.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RawBridgeSocketFixture {

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

  static WebSocket connect() throws Exception {
    return connect("/eventbus/websocket");
  }

  static WebSocket connect(String uri) throws Exception {
    return await(Clients.websocket(vertx, new WebSocketConnectOptions().setHost("127.0.0.1")
      .setPort(server.actualPort()).setURI(uri))).socket();
  }

  /**
   * Upgrades over a plain TCP connection, for frames a WebSocket client would not send; what the
   * server sends after its 101 response is appended to {@code in}.
   */
  static NetSocket rawUpgrade(Buffer in) throws Exception {
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
}
