package dev.skillbus.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The load tool's process figures")
class ProcStatsTest {

  // Fields 1-13, then utime 1234 and stime 567, then cutime 89 and cstime 10 (children: not the
  // process's own), then the rest of a real line.
  static final String STAT = "4242 (java) x) (y) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 567 89 10 20 0 31 0"
    + " 230847 3133440 409 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 17 0 0 0 0 0 0";

  @Test
  @DisplayName("read utime + stime in clock ticks, counting the fields from the end of a command name with spaces and parentheses")
  void readsCpuTicks() {
    assertThat(ProcStats.cpuTicks(STAT)).isEqualTo(1234 + 567);
  }

  @Test
  @DisplayName("count the CPU time of all the process's threads, not of one")
  void countsAllThreads() throws IOException {
    long[] threads;
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      threads = tasks.mapToLong(task -> ProcStatsTest.cpuTicks(task.resolve("stat"))).toArray();
    }
    // Read after the threads, the process's figure, which also keeps ended threads' time, is no
    // smaller than their sum (less a tick each: the kernel rounds each thread's figure on its own).
    long process = cpuTicks(Path.of("/proc/self/stat"));

    assertThat(threads.length).isGreaterThan(1);
    assertThat(process).isGreaterThanOrEqualTo(LongStream.of(threads).sum() - threads.length)
      .isGreaterThan(LongStream.of(threads).max().orElseThrow());
    assertThat(ProcStats.selfCpuSeconds()).isGreaterThanOrEqualTo(process / 100.0);
  }

  @Test
  @DisplayName("read VmRSS in kB, and say which process reports none")
  void readsRss() {
    assertThat(ProcStats.rssKb(4242, "Name:\tjava\nVmHWM:\t  999 kB\nVmRSS:\t  204800 kB\nRssAnon:\t 1 kB\n"))
      .isEqualTo(204_800);
    assertThatThrownBy(() -> ProcStats.rssKb(4242, "Name:\tkthreadd\nState:\tS (sleeping)\n"))
      .hasMessageContaining("process 4242 reports no VmRSS");
  }

  private static long cpuTicks(Path stat) {
    try {
      return ProcStats.cpuTicks(Files.readString(stat));
    } catch (IOException e) {
      // A thread that ended between the listing and the read: its time is in the process's figure.
      return 0;
    }
  }
}
