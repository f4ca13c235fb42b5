package dev.skillbus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.store.StoreSettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The shipped {@code conf/config.json} is what a node started from the project reads: it must say
 * what the code and the README's configuration table call the defaults, not an older value.
 */
@DisplayName("The shipped config file")
class ShippedConfigTest {

  /** A row of the README's configuration table: {@code | `VAR` | `key` | `default` | meaning |}. */
  private static final Pattern ROW = Pattern.compile("^\\| (?:`[A-Z_]+`|—) \\| `([a-zA-Z.]+)` \\| `([^`]+)` \\|");

  @Test
  @DisplayName("gives the store the settings it has without the file")
  void storeDefaults() {
    StoreSettings shipped = StoreSettings.from(Config.load(Map.of()));
    StoreSettings defaults = StoreSettings.from(Config.load(Map.of("SKILLBUS_CONFIG", "src/test/resources/no-settings.json")));
    assertThat(shipped).isEqualTo(defaults);
  }

  @Test
  @DisplayName("leaves the page sizes unset, so that a smaller maximum set alone (OPS_MAX_PAGE_SIZE=20) is what their default follows")
  void pageSizesFollowTheirMaximum() {
    JsonObject config = Config.load(Map.of("OPS_MAX_PAGE_SIZE", "20", "COACHING_MAX_PAGE_SIZE", "10"));
    assertThat(config.getJsonObject("ops").getInteger("pageSize", 0)).isLessThanOrEqualTo(20);
    assertThat(config.getJsonObject("coaching").getInteger("pageSize", 0)).isLessThanOrEqualTo(10);
  }

  @Test
  @DisplayName("sets every key that it holds to the default the README's configuration table gives")
  void readmeDefaults() throws Exception {
    JsonObject file = Config.load(Map.of());
    List<String> differences = new ArrayList<>();
    int checked = 0;
    for (String line : Files.readAllLines(Path.of("README.md"))) {
      Matcher row = ROW.matcher(line);
      if (!row.find()) {
        continue;
      }
      Object value = valueAt(file, row.group(1));
      if (value == null) {
        continue;
      }
      checked++;
      String shown = value instanceof JsonArray list && list.size() == 1 ? String.valueOf(list.getValue(0)) : String.valueOf(value);
      if (!shown.equals(row.group(2))) {
        differences.add(row.group(1) + ": README " + row.group(2) + ", conf/config.json " + shown);
      }
    }
    assertThat(checked).isGreaterThan(40);
    assertThat(differences).isEmpty();
  }

  private static Object valueAt(JsonObject config, String path) {
    String[] keys = path.split("\\.");
    JsonObject node = config;
    for (int i = 0; i < keys.length - 1; i++) {
      node = node.getJsonObject(keys[i]);
      if (node == null) {
        return null;
      }
    }
    return node.getValue(keys[keys.length - 1]);
  }
}
