package dev.skillbus.bridge;

import dev.skillbus.auth.Identity;
import dev.skillbus.auth.TokenService;
import dev.skillbus.protocol.Deadline;
import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.Fields;
import dev.skillbus.protocol.JsonInput;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Function;

/**
 * REST endpoints that are event-bus requests, so that a service answers HTTP and bridge callers
 * alike from one handler. Each call is authenticated with its {@code Authorization: Bearer} token
 * (as bridge frames are), turned into a request body, sent to the service's address with the
 * caller's identity stamped (as the guard does), and answered with the reply as JSON, or with the
 * failure's code as the HTTP status and a REST error body. Operations endpoints ({@link #admin})
 * follow the admin rule and are served by this node's operations part, which answers for the
 * cluster.
 */
final class RestApi {

  /** Builds a request body from an HTTP request: its JSON body, path parameters, query. */
  interface BodyMaker extends Function<RoutingContext, JsonObject> {
  }

  /**
   * The JSON body (an empty object when there is none) with every path parameter added. A multipart
   * body (a form's fields, {@code curl -F}) is refused: it is read as no body at all, and the field
   * it holds would be said to be missing.
   */
  static final BodyMaker BODY_AND_PATH = ctx -> {
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type != null && type.regionMatches(true, 0, "multipart/", 0, "multipart/".length())) {
      throw Fields.bad("body must be JSON, not " + type.split(";")[0].trim());
    }
    JsonObject body = ctx.body().isEmpty() ? new JsonObject() : JsonInput.object(ctx.body().buffer(), "body");
    ctx.pathParams().forEach(body::put);
    return body;
  };

  /** The path parameters and the query parameters; a query parameter given twice is a 400 naming it. */
  static final BodyMaker PATH_AND_QUERY = ctx -> {
    JsonObject body = new JsonObject();
    ctx.queryParams().names().forEach(name -> {
      List<String> values = ctx.queryParams().getAll(name);
      if (values.size() > 1) {
        throw ErrorCode.BAD_REQUEST.exception(name + ": given " + values.size() + " times; give it once");
      }
      body.put(name, values.get(0));
    });
    ctx.pathParams().forEach(body::put);
    return body;
  };

  /** One endpoint: who may call it, where it goes (this node's service only, or any node's), and how its reply is written. */
  private record Endpoint(boolean admin, boolean local, String address, int status, BodyMaker bodyMaker, String textType) {
  }

  private final Router router;
  private final EventBus eventBus;
  private final TokenService tokens;
  private final long timeoutMs;

  RestApi(Router router, EventBus eventBus, TokenService tokens, long timeoutMs) {
    this.router = router;
    this.eventBus = eventBus;
    this.tokens = tokens;
    this.timeoutMs = timeoutMs;
  }

  /** {@code method path} becomes a request to {@code address}; success answers {@code status}. */
  RestApi route(HttpMethod method, String path, String address, int status, BodyMaker bodyMaker) {
    return add(method, path, new Endpoint(false, false, address, status, bodyMaker, null));
  }

  /**
   * As {@link #route}, served by this node's own service: one that every node runs and that holds no
   * state of its own, so that no request waits on a node that died before the cluster noticed.
   */
  RestApi local(HttpMethod method, String path, String address, int status, BodyMaker bodyMaker) {
    return add(method, path, new Endpoint(false, true, address, status, bodyMaker, null));
  }

  /** As {@link #route}, for callers with the admin role or the admin key, served on this node. */
  RestApi admin(HttpMethod method, String path, String address, int status, BodyMaker bodyMaker) {
    return add(method, path, new Endpoint(true, true, address, status, bodyMaker, null));
  }

  /** As {@link #admin}, answered with the reply's text as {@code contentType} ({@code GET /metrics}). */
  RestApi adminText(HttpMethod method, String path, String address, String contentType) {
    return add(method, path, new Endpoint(true, true, address, 200, PATH_AND_QUERY, contentType));
  }

  private RestApi add(HttpMethod method, String path, Endpoint endpoint) {
    Route route = router.route(method, path);
    if (method == HttpMethod.GET) {
      // HEAD answers as GET does, headers only (the server sends no body for it): a monitor's probe.
      route.method(HttpMethod.HEAD);
    }
    route.handler(ctx -> forward(ctx, endpoint));
    return this;
  }

  private void forward(RoutingContext ctx, Endpoint endpoint) {
    String authorization = ctx.request().getHeader("authorization");
    Future<Identity> caller = endpoint.admin()
      ? tokens.verifyAdmin(authorization)
      : tokens.verify(authorization).map(TokenService.Verified::identity);
    caller
      .compose(identity -> {
        JsonObject body = endpoint.bodyMaker().apply(ctx);
        DeliveryOptions options = identity.stamp(new DeliveryOptions(), null)
          .setSendTimeout(timeoutMs)
          .setLocalOnly(endpoint.local());
        if (!endpoint.local()) {
          Deadline.stamp(options, timeoutMs);
        }
        return eventBus.<Object>request(endpoint.address(), body, options);
      })
      .compose(reply -> written(endpoint, reply.body()))
      .onSuccess(text -> Responses.end(ctx.response()
        .setStatusCode(endpoint.status())
        // Stored text (a note with "<script>" in it) is data: never let a browser sniff it as HTML.
        .putHeader("x-content-type-options", "nosniff")
        .putHeader("content-type", endpoint.textType() != null ? endpoint.textType() : "application/json"), text))
      .onFailure(ctx::fail);
  }

  /**
   * A reply as the endpoint sends it; a failure (answered 500) when it cannot be written as JSON
   * (history stored before client input was limited in depth may nest too deep).
   */
  private static Future<String> written(Endpoint endpoint, Object body) {
    if (endpoint.textType() != null) {
      return Future.succeededFuture(String.valueOf(body));
    }
    try {
      return Future.succeededFuture(Json.encode(body));
    } catch (RuntimeException | StackOverflowError e) {
      return Future.failedFuture(new IllegalStateException("the reply of " + endpoint.address() + " could not be written as JSON: " + e));
    }
  }
}
