package dev.skillbus.protocol;

import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.core.OperationTimeoutException;
import com.hazelcast.spi.exception.RetryableHazelcastException;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.Locale;
import java.util.concurrent.CompletionException;

/**
 * Stable failure codes. Sent as the bridge {@code failureCode} and mirrored as the HTTP status of
 * the REST API. The numbers are part of the wire contract: never derive them from {@code ordinal()}.
 */
public enum ErrorCode {
  BAD_REQUEST(400),
  UNAUTHENTICATED(401),
  FORBIDDEN(403),
  NOT_FOUND(404),
  CONFLICT(409),
  TOO_LARGE(413),
  RATE_LIMITED(429),
  INTERNAL(500),
  UNAVAILABLE(503);

  private final int code;

  ErrorCode(int code) {
    this.code = code;
  }

  /** The numeric code, as sent on the wire. */
  public int code() {
    return code;
  }

  /** A failure carrying this code, for failing a {@code Future}. */
  public ProtocolException exception(String message) {
    return new ProtocolException(this, message);
  }

  /** Fails an event-bus request with this code. */
  public void fail(Message<?> message, String text) {
    message.fail(code, text);
  }

  /** The code for a numeric value, or {@link #INTERNAL} when the value is not one of ours. */
  public static ErrorCode of(int code) {
    for (ErrorCode c : values()) {
      if (c.code == code) {
        return c;
      }
    }
    return INTERNAL;
  }

  /**
   * The code of any failure: ours as they are; event-bus timeouts and missing handlers, and the
   * cluster's own "try again" failures (an operation that timed out, a member that left or is not
   * the owner any more, a node shutting down) as {@link #UNAVAILABLE}; anything else as
   * {@link #INTERNAL}. A failure wrapped by a completion stage counts as what it wraps.
   */
  public static ErrorCode of(Throwable failure) {
    if (failure instanceof CompletionException && failure.getCause() != null) {
      return of(failure.getCause());
    }
    if (failure instanceof ProtocolException pe) {
      return pe.code();
    }
    if (failure instanceof ReplyException re) {
      return re.failureType() == ReplyFailure.RECIPIENT_FAILURE ? of(re.failureCode()) : UNAVAILABLE;
    }
    if (failure instanceof OperationTimeoutException || failure instanceof MemberLeftException
      || failure instanceof RetryableHazelcastException || failure instanceof HazelcastInstanceNotActiveException) {
      return UNAVAILABLE;
    }
    return INTERNAL;
  }

  /**
   * What a caller is told of a failure: our own messages as they are; for what the event bus or the
   * cluster failed with, a sentence of our own, since their messages name internal addresses, members
   * and timeouts; "internal error" for anything else.
   */
  public static String messageOf(Throwable failure) {
    if (failure instanceof CompletionException && failure.getCause() != null) {
      return messageOf(failure.getCause());
    }
    ErrorCode code = of(failure);
    if (code == INTERNAL) {
      return "internal error";
    }
    if (failure instanceof ReplyException re && re.failureType() != ReplyFailure.RECIPIENT_FAILURE) {
      return re.failureType() == ReplyFailure.TIMEOUT
        ? "the service did not answer in time; try again"
        : "the service is not available; try again";
    }
    if (failure instanceof ProtocolException || failure instanceof ReplyException) {
      return failure.getMessage() == null ? code.name().toLowerCase(Locale.ROOT) : failure.getMessage();
    }
    return "the cluster is busy or changing; try again";
  }
}
