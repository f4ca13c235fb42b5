package dev.skillbus.bridge;

import dev.skillbus.protocol.ErrorCode;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** REST errors: {@code {"error": {"code": 400, "message": "…"}}}, the code also the HTTP status. */
final class RestErrors {

  private static final Logger LOG = LoggerFactory.getLogger(RestErrors.class);

  private RestErrors() {
  }

  static void send(RoutingContext ctx, ErrorCode code, String message) {
    if (ctx.response().ended()) {
      return;
    }
    Responses.end(ctx.response()
      .setStatusCode(code.code())
      .putHeader("content-type", "application/json")
      // A message can quote what the caller sent: like every REST answer, never sniffed as HTML.
      .putHeader("x-content-type-options", "nosniff"),
      new JsonObject().put("error", new JsonObject().put("code", code.code()).put("message", message)).encode());
  }

  /** The router's failure handler: known failures keep their code, the rest become a plain 500. */
  static void handleFailure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure == null) {
      int status = ctx.statusCode();
      ErrorCode code = ErrorCode.of(status);
      send(ctx, code, status == 413 ? "request body too large" : code.name().toLowerCase(Locale.ROOT).replace('_', ' '));
      return;
    }
    if (failure instanceof DecodeException) {
      send(ctx, ErrorCode.BAD_REQUEST, "body is not valid JSON");
      return;
    }
    ErrorCode code = ErrorCode.of(failure);
    ErrorCode status = ErrorCode.of(ctx.statusCode());
    if (code == ErrorCode.INTERNAL && status != ErrorCode.INTERNAL) {
      // Handlers such as CORS fail with a status and a plain exception: the status is the code.
      send(ctx, status, failure.getMessage() != null ? failure.getMessage() : status.name().toLowerCase(Locale.ROOT).replace('_', ' '));
      return;
    }
    if (code == ErrorCode.INTERNAL) {
      LOG.error("Request {} {} failed", ctx.request().method(), ctx.request().path(), failure);
    }
    send(ctx, code, ErrorCode.messageOf(failure));
  }
}
