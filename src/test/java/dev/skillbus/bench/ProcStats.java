package dev.skillbus.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CPU time and resident memory of processes, read from {@code /proc} as loadgen.js reads them:
 * utime + stime in clock ticks of 1/100 s, and VmRSS. Figures of several server processes (the nodes
 * of a cluster) are summed; with no process given they are {@code null}.
 */
final class ProcStats {

  private static final double TICKS_PER_SECOND = 100;
  private static final Pattern VM_RSS = Pattern.compile("VmRSS:\\s+(\\d+)\\s+kB");

  private final List<Long> pids;

  ProcStats(List<Long> pids) {
    this.pids = pids;
  }

  Double cpuSeconds() {
    return pids.isEmpty() ? null : pids.stream().mapToDouble(pid -> cpuSeconds(String.valueOf(pid))).sum();
  }

  Double rssMb() {
    return pids.isEmpty() ? null : pids.stream().mapToDouble(ProcStats::rssMb).sum();
  }

  /** CPU time of this process, the generator. */
  static double selfCpuSeconds() {
    return cpuSeconds("self");
  }

  private static double cpuSeconds(String pid) {
    String stat = read(pid, "stat");
    // Fields after the command name, which is in parentheses and may itself hold spaces.
    String[] fields = stat.substring(stat.lastIndexOf(") ") + 2).split(" ");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
  }

  private static double rssMb(long pid) {
    Matcher rss = VM_RSS.matcher(read(String.valueOf(pid), "status"));
    if (!rss.find()) {
      throw new IllegalStateException("process " + pid + " reports no VmRSS");
    }
    return Long.parseLong(rss.group(1)) / 1024.0;
  }

  private static String read(String pid, String file) {
    try {
      return Files.readString(Path.of("/proc", pid, file));
    } catch (NoSuchFileException e) {
      throw new IllegalStateException("no process " + pid + " (--pid)");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
