package dev.skillbus.course;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.ProtocolException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("A course request's topic")
class CourseRequestTest {

  static final int MAX = 200;

  static CourseRequest parse(String topic) {
    return CourseRequest.parse(new JsonObject().put("topic", topic), MAX);
  }

  @Test
  @DisplayName("is trimmed before its length is checked: spaces around it do not count")
  void trimmedBeforeLength() {
    assertThat(parse(" ".repeat(199) + "xy").topic()).isEqualTo("xy");
    assertThat(parse("t".repeat(MAX) + "   ").topic()).hasSize(MAX);
    assertThatThrownBy(() -> parse("  " + "t".repeat(MAX + 1) + "  "))
      .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST))
      .hasMessageContaining("'topic' must be at most 200 characters");
  }

  @ParameterizedTest(name = "a topic of only U+{0} is refused")
  @ValueSource(strings = {"0020", "00A0", "200B", "202F", "3000", "FEFF"})
  @DisplayName("shows something: a topic of spaces of any kind (no-break, zero-width) is refused with 400 as missing")
  void notBlank(String codePoint) {
    String topic = Character.toString(Integer.parseInt(codePoint, 16)).repeat(3);
    assertThatThrownBy(() -> parse(topic))
      .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST))
      .hasMessageContaining("'topic' is required");
    assertThat(parse("\u00a0Knots").topic()).as("a topic with something to show is taken").isEqualTo("\u00a0Knots");
  }

  @ParameterizedTest(name = "a topic with U+{0} is refused")
  @ValueSource(strings = {"000A", "000D", "0085", "2028", "2029"})
  @DisplayName("is one line: any line break, line or paragraph separator is refused with 400")
  void oneLine(String codePoint) {
    String topic = "first" + Character.toString(Integer.parseInt(codePoint, 16)) + "second";
    assertThatThrownBy(() -> parse(topic))
      .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST))
      .hasMessageContaining("'topic' must be one line");
  }

  @ParameterizedTest(name = "a topic starting or ending with U+{0} is refused")
  @ValueSource(strings = {"000A", "0009", "000D", "000B", "001F", "2028"})
  @DisplayName("a line break, tab or control character at either end is refused with 400, not trimmed away")
  void controlAtTheEnds(String codePoint) {
    String control = Character.toString(Integer.parseInt(codePoint, 16));
    for (String topic : new String[] {"Knots" + control, control + "Knots"}) {
      assertThatThrownBy(() -> parse(topic))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST))
        .hasMessageContaining("'topic' must be one line");
    }
  }
}
