package dev.skillbus.testing;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * HTTP and WebSocket clients for one use each. Vert.x closes a client that is no longer referenced,
 * and one referenced only from its own pending futures can be collected in the middle of a request,
 * which then never completes: these clients are held here until they are closed.
 */
public final class Clients {

  private static final Set<Object> HELD = ConcurrentHashMap.newKeySet();

  private Clients() {
  }

  /**
   * Runs {@code use} with a new HTTP client, closed (and let go) once its future completes. It runs
   * on a Vert.x context even when called from a test thread, so that the response is read on the
   * thread of its connection: in Vert.x 5.0.10 a response read from another thread can lose its end
   * and never complete (fixed in later Vert.x releases).
   */
  public static <T> Future<T> http(Vertx vertx, Function<HttpClient, Future<T>> use) {
    Context context = vertx.getOrCreateContext();
    Promise<T> result = Promise.promise();
    context.runOnContext(start -> {
      HttpClient http = vertx.createHttpClient();
      HELD.add(http);
      use.apply(http)
        .eventually(() -> http.close().onComplete(closed -> HELD.remove(http)))
        .onComplete(result);
    });
    return result.future();
  }

  /** A WebSocket on a client of its own, held until {@code closeClient} is called. */
  public static Future<Connected> websocket(Vertx vertx, WebSocketConnectOptions options) {
    WebSocketClient client = vertx.createWebSocketClient();
    HELD.add(client);
    return client.connect(options)
      .map(ws -> new Connected(client, ws))
      .onFailure(err -> closeClient(client));
  }

  /** Closes a client from {@link #websocket} and lets it go. */
  public static Future<Void> closeClient(WebSocketClient client) {
    return client.close().onComplete(closed -> HELD.remove(client));
  }

  /** A connected WebSocket and the client it belongs to. */
  public record Connected(WebSocketClient client, WebSocket socket) {
  }
}
