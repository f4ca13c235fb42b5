package dev.skillbus.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Where a refused frame is answered, found by a scan")
class FrameHeadTest {

  private static FrameHead scan(String frame) {
    return FrameHead.scan(Buffer.buffer(frame));
  }

  @Test
  @DisplayName("finds the top-level fields in any order and skips nested values, decoys included")
  void topLevelOnly() {
    FrameHead head = scan("{\"body\":{\"replyAddress\":\"decoy\",\"list\":[{\"type\":\"x\"}]},\"headers\":{},"
      + "\"replyAddress\":\"r-1\",\"address\":\"session.join\",\"type\":\"send\"}");
    assertThat(head).isEqualTo(new FrameHead("send", "session.join", "r-1"));
    assertThat(head.answerAddress()).isEqualTo("r-1");
  }

  @Test
  @DisplayName("keeps what it found before the frame stops being JSON")
  void malformedTail() {
    FrameHead head = scan("{\"type\":\"register\",\"address\":\"room.a\",\"headers\":{\"authorization\":\"Bearer x");
    assertThat(head).isEqualTo(new FrameHead("register", "room.a", null));
    assertThat(head.answerAddress()).as("a register's errors go to its address").isEqualTo("room.a");
  }

  @Test
  @DisplayName("answers socket-wide when there is no usable reply address")
  void noAnswerAddress() {
    assertThat(scan("[1,2]").answerAddress()).isNull();
    assertThat(scan("not json").answerAddress()).isNull();
    assertThat(scan("{\"type\":\"send\",\"replyAddress\":7}").answerAddress()).isNull();
    assertThat(scan("{\"type\":\"send\",\"replyAddress\":\"" + "r".repeat(257) + "\"}").answerAddress()).isNull();
    assertThat(scan("{\"type\":\"send\",\"replyAddress\":\"\"}").answerAddress()).isNull();
    FrameHead longRegister = scan("{\"type\":\"register\",\"address\":\"" + "a".repeat(250_000) + "\"}");
    assertThat(longRegister.address()).as("never read").isNull();
    assertThat(longRegister.answerAddress()).isNull();
  }
}
