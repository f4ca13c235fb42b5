package dev.skillbus.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.net.NetServer;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("The load tool's connections")
class ConnectorTest {

  static final int PORT = 6113;
  static final int STALLED_PORT = 6114;

  @Test
  @DisplayName("fail a token request that a node takes and never answers, in time and naming the node")
  void nameAStalledNode(Vertx vertx) throws Exception {
    NetServer silent = vertx.createNetServer().connectHandler(socket -> { }).listen(STALLED_PORT, "127.0.0.1")
      .await(10, TimeUnit.SECONDS);
    Connector connector = new Connector(vertx, 1, 300);
    try {
      Throwable failure = connector.token(URI.create("http://127.0.0.1:" + STALLED_PORT), "u1", "U 1")
        .transform(ar -> Future.succeededFuture(ar.cause())).await(10, TimeUnit.SECONDS);
      assertThat(failure).isNotNull();
      assertThat(failure.getMessage()).startsWith("cannot get a token from http://127.0.0.1:" + STALLED_PORT + "/api/auth/token");
    } finally {
      connector.close().await(10, TimeUnit.SECONDS);
      silent.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("take a frame far larger than 64 KB, as a join reply of a room of a thousand members is")
  void takeLargeFrames(Vertx vertx) throws Exception {
    String large = "p".repeat(1_000_000);
    HttpServer server = vertx.createHttpServer()
      // Sent when the client asks, once its handlers are set: a frame that came before would find none.
      .webSocketHandler(ws -> ws.textMessageHandler(ask -> ws.writeFinalTextFrame(large)))
      .listen(PORT, "127.0.0.1").await(10, TimeUnit.SECONDS);
    Connector connector = new Connector(vertx, 1);
    try {
      WebSocket socket = connector.socket(URI.create("http://127.0.0.1:" + PORT)).await(10, TimeUnit.SECONDS);
      Promise<String> received = Promise.promise();
      socket.textMessageHandler(received::tryComplete);
      socket.closeHandler(v -> received.tryFail("closed (" + socket.closeStatusCode() + ")"));
      socket.writeTextMessage("send it");
      assertThat(received.future().await(10, TimeUnit.SECONDS)).isEqualTo(large);
    } finally {
      connector.close().await(10, TimeUnit.SECONDS);
      server.close().await(10, TimeUnit.SECONDS);
    }
  }
}
