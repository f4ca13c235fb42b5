package dev.skillbus.testing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;

/**
 * A bridge client for tests, as a browser speaks it: raw SockJS WebSocket at
 * {@code /eventbus/websocket}, Vert.x bridge frames, a bearer token on every frame. Received frames
 * are kept until a test takes them with {@link #next(Predicate)}.
 */
public final class BridgeClient {

  // Held for as long as the socket is open: a client nothing refers to is closed by the garbage
  // collector, and with it a socket that is still handshaking.
  private final WebSocketClient client;
  private final WebSocket socket;
  private final String token;
  private final List<JsonObject> unclaimed = new ArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private final Promise<Short> closed = Promise.promise();
  private int replyCounter;

  private record Waiter(Predicate<JsonObject> match, Promise<JsonObject> promise) {
  }

  private BridgeClient(WebSocketClient client, WebSocket socket, String token) {
    this.client = client;
    this.socket = socket;
    this.token = token;
    socket.binaryMessageHandler(b -> received(b.toJsonObject()));
    socket.textMessageHandler(t -> received(new JsonObject(t)));
    socket.closeHandler(v -> closed.tryComplete(socket.closeStatusCode()));
  }

  /** A dev token from {@code POST /api/auth/token}. */
  public static Future<String> token(Vertx vertx, int port, String userId, String name, String role) {
    JsonObject body = new JsonObject().put("userId", userId).put("name", name).put("role", role);
    return Clients.http(vertx, http -> http
      .request(new RequestOptions().setMethod(HttpMethod.POST).setPort(port).setHost("127.0.0.1").setURI("/api/auth/token"))
      .compose(req -> req.putHeader("content-type", "application/json").send(body.toBuffer()))
      .compose(resp -> resp.body().map(b -> b.toJsonObject().getString("token"))));
  }

  /** Connects with a token (may be null: frames then carry no authorization). */
  public static Future<BridgeClient> connect(Vertx vertx, int port, String token) {
    return Clients.websocket(vertx, new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/eventbus/websocket"))
      .map(connected -> new BridgeClient(connected.client(), connected.socket(), token));
  }

  /** Connects as a new user with a dev token. */
  public static Future<BridgeClient> connectAs(Vertx vertx, int port, String userId, String role) {
    return token(vertx, port, userId, "User " + userId, role).compose(t -> connect(vertx, port, t));
  }

  public JsonObject headers() {
    return token == null ? new JsonObject() : new JsonObject().put("authorization", "Bearer " + token);
  }

  /** A request with a reply address; completes with the reply frame ({@code rec} or {@code err}). */
  public Future<JsonObject> request(String address, JsonObject body) {
    return requestWith(address, body, headers());
  }

  public Future<JsonObject> requestWith(String address, Object body, JsonObject headers) {
    String replyAddress = "test.reply." + (++replyCounter);
    Future<JsonObject> reply = next(f -> replyAddress.equals(f.getString("address")));
    writeFrame(new JsonObject().put("type", "send").put("address", address).put("body", body)
      .put("replyAddress", replyAddress).put("headers", headers));
    return reply;
  }

  /** A request expected to succeed; completes with the reply body. */
  public Future<JsonObject> call(String address, JsonObject body) {
    return request(address, body).compose(f -> "rec".equals(f.getString("type"))
      ? Future.succeededFuture(f.getJsonObject("body"))
      : Future.failedFuture(new AssertionError("request to " + address + " failed: " + f.encode())));
  }

  /** Fire and forget. */
  public void send(String address, JsonObject body) {
    writeFrame(new JsonObject().put("type", "send").put("address", address).put("body", body).put("headers", headers()));
  }

  public void register(String address) {
    writeFrame(new JsonObject().put("type", "register").put("address", address).put("headers", headers()));
  }

  /**
   * Registers on the addresses; completes once they are in place (the bridge answers a request only
   * after the registrations sent before it are).
   */
  public Future<Void> registered(String... addresses) {
    for (String address : addresses) {
      register(address);
    }
    return call("session.leave", new JsonObject().put("sessionId", "none")).mapEmpty();
  }

  public void unregister(String address) {
    writeFrame(new JsonObject().put("type", "unregister").put("address", address).put("headers", headers()));
  }

  public void writeFrame(JsonObject frame) {
    socket.writeTextMessage(frame.encode());
  }

  public void writeRaw(String text) {
    socket.writeTextMessage(text);
  }

  /** The next received frame that matches, whether it arrived already or arrives later. */
  public synchronized Future<JsonObject> next(Predicate<JsonObject> match) {
    for (Iterator<JsonObject> it = unclaimed.iterator(); it.hasNext(); ) {
      JsonObject frame = it.next();
      if (match.test(frame)) {
        it.remove();
        return Future.succeededFuture(frame);
      }
    }
    Promise<JsonObject> promise = Promise.promise();
    waiters.add(new Waiter(match, promise));
    return promise.future();
  }

  /** The next envelope with this event name received on this address; completes with the envelope. */
  public Future<JsonObject> event(String address, String event) {
    return next(f -> "rec".equals(f.getString("type")) && address.equals(f.getString("address"))
      && f.getValue("body") instanceof JsonObject b && event.equals(b.getString("event")))
      .map(f -> f.getJsonObject("body"));
  }

  /** Envelopes received so far and not claimed, on this address with this event. */
  public synchronized List<JsonObject> unclaimedEvents(String address, String event) {
    List<JsonObject> found = new ArrayList<>();
    for (JsonObject f : unclaimed) {
      if (address.equals(f.getString("address")) && f.getValue("body") instanceof JsonObject b && event.equals(b.getString("event"))) {
        found.add(b);
      }
    }
    return found;
  }

  /** Completes with the close status code when the server closes the socket. */
  public Future<Short> closed() {
    return closed.future();
  }

  public Future<Void> close() {
    return socket.close().eventually(() -> Clients.closeClient(client));
  }

  private synchronized void received(JsonObject frame) {
    for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
      Waiter waiter = it.next();
      if (waiter.match().test(frame)) {
        it.remove();
        waiter.promise().complete(frame);
        return;
      }
    }
    unclaimed.add(frame);
  }

}
