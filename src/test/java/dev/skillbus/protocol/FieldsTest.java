package dev.skillbus.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("An optional integer field")
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
}
