package dev.skillbus.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A request field")
class FieldsTest {

  @Test
  @DisplayName("reads a query string's digits, and says that a negative one is out of range rather than not an integer")
  void queryIntegers() {
    assertThat(Fields.optionalInt(new JsonObject().put("offset", "40"), "offset", 0, 1000, 0)).isEqualTo(40);
    assertThat(Fields.optionalInt(new JsonObject(), "offset", 0, 1000, 7)).isEqualTo(7);
    assertThatThrownBy(() -> Fields.optionalInt(new JsonObject().put("offset", "-1"), "offset", 0, 1000, 0))
      .hasMessage("'offset' must be between 0 and 1000");
    assertThatThrownBy(() -> Fields.optionalInt(new JsonObject().put("offset", "ten"), "offset", 0, 1000, 0))
      .hasMessage("'offset' must be an integer");
  }

  @Test
  @DisplayName("counts text in characters as a user does: an emoji is one")
  void charactersCount() {
    String emoji = "\uD83D\uDE00"; // one character, two Java chars
    JsonObject atLimit = new JsonObject().put("text", emoji.repeat(4000));
    assertThat(Fields.optionalString(atLimit, "text", 4000)).isEqualTo(emoji.repeat(4000));
    assertThatThrownBy(() -> Fields.optionalString(new JsonObject().put("text", emoji.repeat(4001)), "text", 4000))
      .hasMessageContaining("at most 4000 characters");
    assertThat(Fields.characters("é" + emoji + "a")).isEqualTo(3);
  }

  @Test
  @DisplayName("text that shows nothing counts as missing: spaces of any kind, invisible format characters, the letters drawn blank")
  void blankText() {
    for (String blank : new String[] {" \t\n", "\u00a0\u3000", "\u200b\u200d\ufeff", "\u3164\u3164", "\u2800",
        "\u115F\u1160", "\uFFA0"}) {
      assertThatThrownBy(() -> Fields.requiredString(new JsonObject().put("text", blank), "text", 100))
        .as(blank.codePoints().mapToObj(Integer::toHexString).toList().toString()).hasMessage("'text' is required");
    }
    assertThat(Fields.requiredString(new JsonObject().put("text", "\u3164a"), "text", 100)).isEqualTo("\u3164a");
  }

  @Test
  @DisplayName("text holding half of a surrogate pair is refused, naming the field; a whole pair is taken")
  void loneSurrogates() {
    for (String broken : new String[] {"a\udc00b", "x\ud83d", "\ud800"}) {
      assertThatThrownBy(() -> Fields.optionalString(new JsonObject().put("content", broken), "content", 100))
        .hasMessage("'content' is not valid Unicode text: it holds half of a surrogate pair");
    }
    assertThat(Fields.optionalString(new JsonObject().put("content", "a\ud83d\ude00"), "content", 100)).isEqualTo("a\ud83d\ude00");
  }

  @Test
  @DisplayName("free JSON data is refused when it holds half of a surrogate pair anywhere, 413 when too large; a whole pair is taken")
  void freeJson() {
    for (Object broken : new Object[] {"\ud800", new JsonObject().put("a", new JsonArray().add(1).add("b\udc00")),
        new JsonObject().put("k\ud83d", true), new JsonArray().add(new JsonObject().put("deep", new JsonArray().add("\ud83d")))}) {
      assertThatThrownBy(() -> Fields.json(broken, "data", 1024)).as(broken.toString())
        .hasMessage("'data' is not valid Unicode text: it holds half of a surrogate pair");
    }
    JsonObject whole = new JsonObject().put("emoji\ud83d\ude00", new JsonArray().add("\ud83d\ude00").addNull().add(2.5));
    assertThat(Fields.json(whole, "data", 1024)).isSameAs(whole);
    assertThat(Fields.json(null, "data", 1024)).isNull();
    assertThatThrownBy(() -> Fields.json("x".repeat(1023), "data", 1024))
      .satisfies(err -> assertThat(ErrorCode.of(err)).isEqualTo(ErrorCode.TOO_LARGE))
      .hasMessage("'data' must be at most 1024 bytes as JSON");
  }

  @Test
  @DisplayName("beyond what a long holds is refused, never read as its last 64 bits")
  void beyondLong() {
    BigInteger wrapsToOne = BigInteger.TWO.pow(64).add(BigInteger.ONE);
    JsonObject body = new JsonObject("{\"expectedVersion\": " + wrapsToOne + ", \"limit\": " + wrapsToOne + "}");
    assertThatThrownBy(() -> Fields.optionalLong(body, "expectedVersion", 0))
      .hasMessageStartingWith("'expectedVersion' must be a non-negative integer");
    assertThatThrownBy(() -> Fields.requiredInt(body, "limit", 1, 100)).hasMessage("'limit' must be between 1 and 100");
    assertThatThrownBy(() -> Fields.optionalLong(new JsonObject().put("v", 1e30), "v", 0))
      .hasMessageStartingWith("'v' must be a non-negative integer");
    assertThat(Fields.optionalLong(new JsonObject("{\"v\": 9223372036854775807}"), "v", 0)).isEqualTo(Long.MAX_VALUE);
    assertThat(Fields.optionalLong(new JsonObject().put("v", 3.0), "v", 0)).isEqualTo(3);
  }
}
