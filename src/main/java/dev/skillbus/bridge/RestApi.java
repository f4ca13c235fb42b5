package dev.skillbus.bridge;

import dev.skillbus.auth.TokenService;
import dev.skillbus.protocol.ErrorCode;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/**
 * REST endpoints that are event-bus requests, so that a service answers HTTP and bridge callers
 * alike from one handler. Each call is authenticated with its {@code Authorization: Bearer} token
 * (as bridge frames are), turned into a request body, sent to the service's address with the
 * caller's identity stamped (as the guard does), and answered with the reply as JSON, or with the
 * failure's code as the HTTP status and a REST error body.
 */
final class RestApi {

  /** Builds a request body from an HTTP request: its JSON body, path parameters, query. */
  interface BodyMaker extends Function<RoutingContext, JsonObject> {
  }

  /** The JSON body (an empty object when there is none) with every path parameter added. */
  static final BodyMaker BODY_AND_PATH = ctx -> {
    JsonObject body = ctx.body().isEmpty() ? new JsonObject() : ctx.body().asJsonObject();
    if (body == null) {
      throw ErrorCode.BAD_REQUEST.exception("body must be a JSON object");
    }
    ctx.pathParams().forEach(body::put);
    return body;
  };

  /** The path parameters and the query parameters (first value of each). */
  static final BodyMaker PATH_AND_QUERY = ctx -> {
    JsonObject body = new JsonObject();
    ctx.queryParams().names().forEach(name -> body.put(name, ctx.queryParams().get(name)));
    ctx.pathParams().forEach(body::put);
    return body;
  };

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
    router.route(method, path).handler(ctx -> forward(ctx, address, status, bodyMaker));
    return this;
  }

  private void forward(RoutingContext ctx, String address, int status, BodyMaker bodyMaker) {
    tokens.verify(ctx.request().getHeader("authorization"))
      .compose(verified -> {
        JsonObject body = bodyMaker.apply(ctx);
        DeliveryOptions options = verified.identity().stamp(new DeliveryOptions(), null).setSendTimeout(timeoutMs);
        return eventBus.<Object>request(address, body, options);
      })
      .onSuccess(reply -> ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        // Stored text (a note with "<script>" in it) is data: never let a browser sniff it as HTML.
        .putHeader("x-content-type-options", "nosniff")
        .end(Json.encode(reply.body())))
      .onFailure(ctx::fail);
  }
}
