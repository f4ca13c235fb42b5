package dev.skillbus.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.skillbus.protocol.ErrorCode;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A listing's query")
class ListQueryTest {

  private static void assertRefused(Supplier<ListQuery> query) {
    assertThat(ErrorCode.of(catchThrowable(query::get))).isEqualTo(ErrorCode.BAD_REQUEST);
  }

  @Test
  @DisplayName("is refused with 400 for a negative offset, a limit below 1, an odd field name, or a value no store can select by")
  void refusals() {
    assertRefused(() -> ListQuery.page(-1, 1));
    assertRefused(() -> ListQuery.page(0, 0));
    assertRefused(() -> ListQuery.page(0, 1).only("f:status", "open"));
    assertRefused(() -> ListQuery.page(0, 1).only("", "open"));
    assertRefused(() -> ListQuery.page(0, 1).only("status", "x".repeat(ListQuery.MAX_VALUE_CHARS + 1)));
    assertRefused(() -> ListQuery.page(0, 1).except("sessionId", Set.of("x".repeat(ListQuery.MAX_VALUE_CHARS + 1))));
    assertRefused(() -> new ListQuery(0, 1, Map.of("status", "open"), Map.of("9lives", Set.of("a"))));
  }

  @Test
  @DisplayName("selects by short string fields, as both stores do")
  void selects() {
    ListQuery query = ListQuery.page(0, 1).only("status", "open").except("sessionId", Set.of("secret"));
    assertThat(query.selects(new JsonObject().put("status", "open"))).isTrue();
    assertThat(query.selects(new JsonObject().put("status", "open").put("sessionId", "secret"))).isFalse();
    assertThat(query.selects(new JsonObject().put("status", "done"))).isFalse();
  }
}
