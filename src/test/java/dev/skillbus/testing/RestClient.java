package dev.skillbus.testing;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

/** Calls a node's REST API as one user (a dev token), the way a web app's back end or page does. */
public final class RestClient {

  /** An answer: the HTTP status, its headers, the JSON body (null when it is not JSON) and the text. */
  public record Answer(int status, MultiMap headers, JsonObject body, String text) {
  }

  private final Vertx vertx;
  private final int port;
  private final String token;

  private RestClient(Vertx vertx, int port, String token) {
    this.vertx = vertx;
    this.port = port;
    this.token = token;
  }

  /** A client with a dev token for this user; a null {@code userId} sends no token. */
  public static Future<RestClient> as(Vertx vertx, int port, String userId, String role) {
    if (userId == null) {
      return Future.succeededFuture(new RestClient(vertx, port, null));
    }
    return BridgeClient.token(vertx, port, userId, "User " + userId, role).map(t -> new RestClient(vertx, port, t));
  }

  /** A client that sends this bearer value (the admin key, say) as it is. */
  public static RestClient bearer(Vertx vertx, int port, String bearer) {
    return new RestClient(vertx, port, bearer);
  }

  public Future<Answer> post(String uri, JsonObject body) {
    return call(HttpMethod.POST, uri, body);
  }

  public Future<Answer> get(String uri) {
    return call(HttpMethod.GET, uri, null);
  }

  public Future<Answer> patch(String uri, JsonObject body) {
    return call(HttpMethod.PATCH, uri, body);
  }

  public Future<Answer> delete(String uri) {
    return call(HttpMethod.DELETE, uri, null);
  }

  public Future<Answer> call(HttpMethod method, String uri, JsonObject body) {
    return send(method, uri, body == null ? null : body.encode());
  }

  /** A request whose body is sent as it is, JSON or not. */
  public Future<Answer> send(HttpMethod method, String uri, String body) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(uri);
    if (token != null) {
      options.putHeader("authorization", "Bearer " + token);
    }
    return Clients.http(vertx, http -> http.request(options)
      .compose(req -> body == null ? req.send() : req.putHeader("content-type", "application/json").send(body))
      .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), resp.headers(), json(b), b.toString()))));
  }

  private static JsonObject json(Buffer body) {
    if (body.length() == 0) {
      return new JsonObject();
    }
    try {
      return body.toJsonObject();
    } catch (RuntimeException notJson) {
      return null;
    }
  }
}
