package dev.skillbus.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.core.OperationTimeoutException;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The code of a failure")
class ErrorCodeTest {

  @Test
  @DisplayName("is ours for our failures, whether wrapped by a completion stage or carried in a reply")
  void ours() {
    assertThat(ErrorCode.of(ErrorCode.CONFLICT.exception("x"))).isEqualTo(ErrorCode.CONFLICT);
    assertThat(ErrorCode.of(new CompletionException(ErrorCode.NOT_FOUND.exception("x")))).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(ErrorCode.of(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 429, "x"))).isEqualTo(ErrorCode.RATE_LIMITED);
  }

  @Test
  @DisplayName("is 503 for what may work when tried again: a timeout, no handler, the cluster's own failures")
  void tryAgain() {
    assertThat(ErrorCode.of(new ReplyException(ReplyFailure.TIMEOUT, "x"))).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(ErrorCode.of(new ReplyException(ReplyFailure.NO_HANDLERS, "x"))).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(ErrorCode.of(new OperationTimeoutException("x"))).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(ErrorCode.of(new CompletionException(new MemberLeftException("x")))).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(ErrorCode.of(new TargetNotMemberException("x"))).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(ErrorCode.of(new HazelcastInstanceNotActiveException())).isEqualTo(ErrorCode.UNAVAILABLE);
  }

  @Test
  @DisplayName("is 500 for anything else, the cluster's failures that no retry mends included")
  void internal() {
    assertThat(ErrorCode.of(new IllegalStateException("x"))).isEqualTo(ErrorCode.INTERNAL);
    assertThat(ErrorCode.of(new HazelcastSerializationException("x"))).isEqualTo(ErrorCode.INTERNAL);
  }

  @Test
  @DisplayName("tells the caller our own messages, and for the event bus's and the cluster's failures a sentence that names nothing internal")
  void messages() {
    assertThat(ErrorCode.messageOf(ErrorCode.CONFLICT.exception("version 3 is not 2"))).isEqualTo("version 3 is not 2");
    assertThat(ErrorCode.messageOf(new CompletionException(ErrorCode.NOT_FOUND.exception("no such note"))))
      .isEqualTo("no such note");
    assertThat(ErrorCode.messageOf(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 413, "too big")))
      .isEqualTo("too big");
    String timedOut = "Timed out after waiting 10000(ms) for a reply. address: __vertx.reply.42, repliedAddress: ops.stats";
    assertThat(ErrorCode.messageOf(new ReplyException(ReplyFailure.TIMEOUT, timedOut)))
      .isEqualTo("the service did not answer in time; try again");
    assertThat(ErrorCode.messageOf(new ReplyException(ReplyFailure.NO_HANDLERS, "No handlers for address session.join")))
      .isEqualTo("the service is not available; try again");
    assertThat(ErrorCode.messageOf(new OperationTimeoutException("Invocation{op=EntryOperation, target=[10.0.0.7]:5701}")))
      .isEqualTo("the cluster is busy or changing; try again");
    assertThat(ErrorCode.messageOf(new IllegalStateException("secret detail"))).isEqualTo("internal error");
    assertThat(ErrorCode.messageOf(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 500, "NullPointerException at X")))
      .isEqualTo("internal error");
    assertThat(ErrorCode.messageOf(ErrorCode.UNAVAILABLE.exception(null))).isEqualTo("unavailable");
  }
}

