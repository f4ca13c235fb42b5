package dev.skillbus.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("The load tool's options")
class LoadOptionsTest {

  @Test
  @DisplayName("default as loadgen.js does, and read a flag given alone")
  void defaults() {
    LoadOptions options = LoadOptions.parse("--connect-only");

    assertThat(options.urls()).containsExactly(URI.create("http://127.0.0.1:8080"));
    assertThat(options.mode()).isEqualTo(Mode.CURSOR);
    assertThat(options.connections()).isEqualTo(20 * 30);
    assertThat(options.rate()).isEqualTo(10);
    assertThat(options.pids()).isEmpty();
    assertThat(options.connectOnly()).isTrue();
  }

  @Test
  @DisplayName("take loadgen.js's command line for skillbus as it is, and refuse another target")
  void loadgenCommandLine() {
    LoadOptions options = LoadOptions.parse("--target", "skillbus", "--url", "http://127.0.0.1:7480", "--mode", "chat",
      "--rooms", "10", "--size", "100", "--rate", "40", "--warmup", "5", "--duration", "20", "--drain", "3",
      "--batch", "100");

    assertThat(options.mode()).isEqualTo(Mode.CHAT);
    assertThat(options.connections()).isEqualTo(1_000);
    assertThatThrownBy(() -> LoadOptions.parse("--target", "socketio"))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("skillbus only, not socketio");
  }

  @Test
  @DisplayName("take several nodes and several running processes")
  void nodesAndProcesses() {
    long self = ProcessHandle.current().pid();
    LoadOptions options = LoadOptions.parse("--url", "http://127.0.0.1:7480,http://127.0.0.1:7482",
      "--pid", self + "," + self);

    assertThat(options.url(3)).isEqualTo(URI.create("http://127.0.0.1:7482"));
    assertThat(options.pids()).containsExactly(self, self);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', value = {
    "--rooms        | 2.5                | --rooms needs a whole number, not 2.5",
    "--size         | 1e10               | --size needs a whole number",
    "--rate         | Infinity           | --rate needs a number, not Infinity",
    "--duration     | NaN                | --duration needs a number, not NaN",
    "--rate         | 0                  | need --rate > 0",
    "--url          | //127.0.0.1:7480   | --url needs http://host:port, not //127.0.0.1:7480",
    "--url          | ws://127.0.0.1:80  | --url needs http://host:port",
    "--url          | http://[bad        | --url needs http://host:port",
    "--url          | http://127.0.0.1:65536 | --url needs http://host:port",
    "--pid          | abc                | --pid needs process ids, not abc",
    "--connect-only | yes                | --connect-only takes no value, or true or false, not yes",
  })
  @DisplayName("refuse a bad value, naming the option")
  void refusesBadValues(String option, String value, String message) {
    assertThatThrownBy(() -> LoadOptions.parse(option, value))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
  }

  @Test
  @DisplayName("refuse process ids that are not one per node, so that the server's figures cover every node")
  void refusesPidsNotOnePerNode() {
    long self = ProcessHandle.current().pid();

    assertThatThrownBy(() -> LoadOptions.parse("--url", "http://127.0.0.1:7480,http://127.0.0.1:7482", "--pid", String.valueOf(self)))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--pid lists 1 process(es) for 2 --url node(s)");
    assertThatThrownBy(() -> LoadOptions.parse("--pid", self + "," + self))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--pid lists 2 process(es) for 1 --url node(s)");
  }

  @Test
  @DisplayName("refuse a process id that no process has, before connecting anything")
  void refusesMissingProcess() {
    long gone = ProcessHandle.allProcesses().mapToLong(ProcessHandle::pid).max().orElse(1) + 1_000_000;

    assertThatThrownBy(() -> LoadOptions.parse("--pid", String.valueOf(gone)))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--pid " + gone + ": no such process");
  }

  @Test
  @DisplayName("refuse more connections than can be counted")
  void refusesTooManyConnections() {
    assertThatThrownBy(() -> LoadOptions.parse("--rooms", "100000", "--size", "100000"))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--rooms × --size");
  }
}
