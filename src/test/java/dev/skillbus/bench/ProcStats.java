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
    return cpuTicks(read(pid, "stat")) / TICKS_PER_SECOND;
  }

  /**
   * utime + stime of a {@code /proc/<pid>/stat} line (fields 14 and 15): the process's threads,
   * living and ended, in user and kernel mode, in clock ticks. The command name (field 2) is in
   * parentheses and may itself hold spaces and parentheses: the fields are counted from its end.
   */
  static long cpuTicks(String stat) {
    String[] fields = stat.substring(stat.lastIndexOf(") ") + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  private static double rssMb(long pid) {
    return rssKb(pid, read(String.valueOf(pid), "status")) / 1024.0;
  }

  /** VmRSS of a {@code /proc/<pid>/status}, in kB (KiB). */
  static long rssKb(long pid, String status) {
    Matcher rss = VM_RSS.matcher(status);
    if (!rss.find()) {
      throw new IllegalStateException("process " + pid + " reports no VmRSS");
    }
    return Long.parseLong(rss.group(1));
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
