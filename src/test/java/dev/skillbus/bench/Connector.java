package dev.skillbus.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;

/**
 * Dev tokens over HTTP and raw SockJS WebSockets, to any of the nodes. Failures name what could not
 * be reached, so that the tool's exit message says which node and which step.
 */
final class Connector {

  static final String TOKEN_PATH = "/api/auth/token";
  static final String WEBSOCKET_PATH = "/eventbus/websocket";
  private static final int CONNECT_TIMEOUT_MS = 10_000;
  private static final int TOKEN_POOL_SIZE = 16;
  /**
   * A join reply and each {@code user-joined} carry the room's whole participant list in one frame
   * (about 130 bytes a member), so a room of more than ~500 members passes the client's default 64 KB.
   */
  private static final int MAX_FRAME_BYTES = 64 * 1024 * 1024;

  /** How long a token request, or a WebSocket's handshake, may go unanswered: a stalled node fails the run, naming it. */
  static final long REQUEST_TIMEOUT_MS = 10_000;

  private final HttpClient http;
  private final Context httpContext;
  private final WebSocketClient websockets;
  private final long requestTimeoutMs;

  Connector(Vertx vertx, int connections) {
    this(vertx, connections, REQUEST_TIMEOUT_MS);
  }

  Connector(Vertx vertx, int connections, long requestTimeoutMs) {
    this.requestTimeoutMs = requestTimeoutMs;
    // Token requests share pooled connections; they all run on one context so that each response is
    // read on the thread of its connection (in Vert.x 5.0.10 a response read from another thread can
    // lose its end and never complete).
    httpContext = vertx.getOrCreateContext();
    http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MS),
      new PoolOptions().setHttp1MaxSize(TOKEN_POOL_SIZE));
    // The default allows 50 WebSockets per host; every connection of the run may go to one node.
    websockets = vertx.createWebSocketClient(new WebSocketClientOptions()
      .setMaxConnections(connections).setConnectTimeout(CONNECT_TIMEOUT_MS)
      .setMaxFrameSize(MAX_FRAME_BYTES).setMaxMessageSize(MAX_FRAME_BYTES));
  }

  /** A dev token for a learner, completed on the caller's context. */
  Future<String> token(URI node, String userId, String name) {
    JsonObject body = new JsonObject().put("userId", userId).put("name", name).put("role", "learner");
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST)
      .setHost(node.getHost()).setPort(port(node)).setURI(TOKEN_PATH).setSsl(secure(node)).setIdleTimeout(requestTimeoutMs);
    Context caller = Vertx.currentContext();
    Promise<String> token = Promise.promise();
    httpContext.runOnContext(start -> http.request(request)
      .compose(req -> req.putHeader("content-type", "application/json").send(body.toBuffer()))
      .compose(Connector::tokenOf)
      .recover(e -> Future.failedFuture("cannot get a token from " + node + TOKEN_PATH + ": " + e.getMessage()))
      .onComplete(done -> {
        if (caller == null) {
          token.handle(done);
        } else {
          caller.runOnContext(back -> token.handle(done));
        }
      }));
    return token.future();
  }

  Future<WebSocket> socket(URI node) {
    WebSocketConnectOptions connect = new WebSocketConnectOptions()
      .setHost(node.getHost()).setPort(port(node)).setURI(WEBSOCKET_PATH).setSsl(secure(node)).setTimeout(requestTimeoutMs);
    return websockets.connect(connect)
      .recover(e -> Future.failedFuture("cannot open " + node + WEBSOCKET_PATH + ": " + e.getMessage()));
  }

  Future<Void> close() {
    return Future.join(websockets.close(), http.close()).mapEmpty();
  }

  private static Future<String> tokenOf(HttpClientResponse response) {
    return response.body().compose(body -> response.statusCode() == 200
      ? Future.succeededFuture(body.toJsonObject().getString("token"))
      : Future.failedFuture("HTTP " + response.statusCode() + " " + body));
  }

  private static boolean secure(URI node) {
    return "https".equals(node.getScheme());
  }

  private static int port(URI node) {
    return node.getPort() > 0 ? node.getPort() : secure(node) ? 443 : 80;
  }
}
