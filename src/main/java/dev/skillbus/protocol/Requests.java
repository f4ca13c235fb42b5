package dev.skillbus.protocol;

import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The door of every request handler: runs it, replies with its result, and turns any failure into
 * {@code message.fail(code, text)} with a stable code. Unexpected failures are logged and answered
 * with 500 and a generic message, never a stack trace.
 */
public final class Requests {

  private static final Logger LOG = LoggerFactory.getLogger(Requests.class);

  private Requests() {
  }

  public static void serve(Message<JsonObject> message, Function<Message<JsonObject>, Future<?>> handler) {
    Future<?> result;
    try {
      if (message.body() == null) {
        throw Fields.bad("body must be a JSON object");
      }
      result = handler.apply(message);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(ar -> {
      if (ar.succeeded()) {
        message.reply(ar.result());
      } else {
        failWith(message, ar.cause());
      }
    });
  }

  private static void failWith(Message<?> message, Throwable cause) {
    ErrorCode code = ErrorCode.of(cause);
    if (code == ErrorCode.INTERNAL) {
      LOG.error("Request to {} failed", message.address(), cause);
    }
    code.fail(message, ErrorCode.messageOf(cause));
  }
}
