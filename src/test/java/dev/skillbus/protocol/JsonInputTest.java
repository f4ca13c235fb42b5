package dev.skillbus.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Client JSON")
class JsonInputTest {

  private static JsonObject read(String text) {
    return JsonInput.object(Buffer.buffer(text), "a frame");
  }

  private static String nested(int levels) {
    return "{\"a\":".repeat(levels - 1) + "{}" + "}".repeat(levels - 1);
  }

  @Test
  @DisplayName("reads what Vert.x reads: objects with any values, comments, numbers beyond a long, any text")
  void readsAsVertx() {
    String text = "{\"type\":\"send\", /* a comment */ \"n\":123456789012345678901234567890,\"t\":\"\u00e9\u2603 \\ud83d\\ude00\","
      + "\"list\":[1,2.5,null,true,{\"x\":[]}]}";
    assertThat(read(text)).isEqualTo(new JsonObject(text));
    assertThat(read(nested(64)).getJsonObject("a")).isNotNull();
  }

  @Test
  @DisplayName("reads the bytes of a buffer that is a slice of a larger one")
  void readsSlices() {
    Buffer whole = Buffer.buffer("xx{\"a\":1}yy");
    assertThat(JsonInput.object(whole.slice(2, 9), "a body")).isEqualTo(new JsonObject().put("a", 1));
  }

  @Test
  @DisplayName("refuses with 400, saying why: deeper than 64 levels, not JSON, trailing text, not an object")
  void refuses() {
    assertThatThrownBy(() -> read(nested(65))).isInstanceOf(ProtocolException.class)
      .hasMessage("a frame nests more than 64 levels deep")
      .satisfies(e -> assertThat(ErrorCode.of(e)).isEqualTo(ErrorCode.BAD_REQUEST));
    assertThatThrownBy(() -> read("{\"a\":[" + "[".repeat(2000))).hasMessage("a frame nests more than 64 levels deep");
    assertThatThrownBy(() -> read("{\"a\":")).hasMessage("a frame is not valid JSON");
    assertThatThrownBy(() -> read("{} {}")).hasMessage("a frame is not valid JSON");
    assertThatThrownBy(() -> read("[1]")).hasMessage("a frame must be a JSON object");
    assertThatThrownBy(() -> read("{\"n\":" + "1".repeat(1200) + "}"))
      .hasMessage("a frame holds a number or a text longer than JSON input may have (a number: 1,000 digits)");
    assertThatThrownBy(() -> read("")).hasMessage("a frame is not valid JSON");
  }
}
