package dev.skillbus.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The rooms scans found holding connections of departed nodes")
class StraysTest {

  @Test
  @DisplayName("a scan that began before a node was seen gone and ends last hides nothing an earlier one found")
  void scansAddUp() {
    Strays strays = new Strays();
    // Nodes b and c die together. The scan begun once both were seen gone ends first...
    strays.found(Map.of("r1", List.of("b"), "r2", List.of("b", "c")));
    // ...the one begun when only c was seen gone ends last, and cannot see b's connections.
    strays.found(Map.of("r2", List.of("c")));
    assertThat(strays.nodes()).containsExactlyInAnyOrder("b", "c");
    assertThat(strays.of("b")).containsExactlyInAnyOrder("r1", "r2");
    assertThat(strays.of("c")).containsExactly("r2");
  }

  @Test
  @DisplayName("a node's rooms go once it was cleaned up after them; a room found meanwhile stays for the next cleanup")
  void cleanedRoomsGo() {
    Strays strays = new Strays();
    strays.found(Map.of("r1", List.of("b")));
    Set<String> cleaning = strays.of("b");
    strays.found(Map.of("r3", List.of("b")));
    strays.cleaned("b", cleaning);
    assertThat(strays.of("b")).containsExactly("r3");
    strays.cleaned("b", Set.of("r3"));
    assertThat(strays.nodes()).isEmpty();
    assertThat(strays.of("b")).isEmpty();
  }
}
