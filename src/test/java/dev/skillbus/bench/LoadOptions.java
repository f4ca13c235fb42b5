package dev.skillbus.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The load tool's settings, spelled and defaulted as in {@code ../shared/bench/loadgen.js} so that
 * one command line drives both. Connection {@code i} is user {@code u<i>}, member of room
 * {@code bench-<i / size>}, connected to URL {@code i mod urls}: consecutive members of a room sit
 * on different nodes.
 */
record LoadOptions(List<URI> urls, Mode mode, int rooms, int size, double rate, double warmup,
                   double duration, double drain, int batch, List<Long> pids, boolean connectOnly, int loops) {

  static final String USAGE = "usage: LoadTool [--target skillbus] --url http://127.0.0.1:8080[,http://...] --mode cursor|chat"
    + " --rooms 20 --size 30 --rate 10 --warmup 5 --duration 20 --drain 3 --batch 100"
    + " [--pid PID[,PID...]] [--connect-only] [--loops N]";

  private static final Set<String> NAMES = Set.of("target", "url", "mode", "rooms", "size", "rate", "warmup",
    "duration", "drain", "batch", "pid", "connect-only", "loops");

  LoadOptions {
    if (urls.isEmpty() || rooms < 1 || size < 2 || batch < 1 || loops < 1) {
      throw new IllegalArgumentException("need a --url, --rooms ≥ 1, --size ≥ 2, --batch ≥ 1, --loops ≥ 1");
    }
    if ((long) rooms * size > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("--rooms × --size must be at most " + Integer.MAX_VALUE);
    }
    if (!(rate > 0 && warmup >= 0 && duration > 0 && drain >= 0)) {
      throw new IllegalArgumentException("need --rate > 0, --duration > 0, --warmup ≥ 0, --drain ≥ 0");
    }
    if (!pids.isEmpty() && pids.size() != urls.size()) {
      // A figure per server CPU-second over some of the nodes only would read too high.
      throw new IllegalArgumentException("--pid lists " + pids.size() + " process(es) for " + urls.size()
        + " --url node(s): give one per node, in the same order");
    }
  }

  /** Parses {@code --name value} pairs; a name without a value (a flag) reads as {@code true}. */
  static LoadOptions parse(String... args) {
    Map<String, String> given = pairs(args);
    // loadgen.js's --target, so that its command line for skillbus runs here unchanged.
    if (!given.getOrDefault("target", "skillbus").equals("skillbus")) {
      throw new IllegalArgumentException("--target: this tool loads skillbus only, not " + given.get("target"));
    }
    return new LoadOptions(
      urls(given.getOrDefault("url", "http://127.0.0.1:8080")),
      Mode.parse(given.getOrDefault("mode", "cursor")),
      integer(given, "rooms", 20), integer(given, "size", 30),
      number(given, "rate", 10), number(given, "warmup", 5), number(given, "duration", 20),
      number(given, "drain", 3), integer(given, "batch", 100),
      pids(given.get("pid")), flag(given, "connect-only"),
      integer(given, "loops", Math.max(2, Runtime.getRuntime().availableProcessors())));
  }

  int connections() {
    return rooms * size;
  }

  String room(int index) {
    return "bench-" + index / size;
  }

  URI url(int index) {
    return urls.get(index % urls.size());
  }

  private static Map<String, String> pairs(String[] args) {
    Map<String, String> given = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String name = args[i].startsWith("--") ? args[i].substring(2) : null;
      if (name == null || !NAMES.contains(name)) {
        throw new IllegalArgumentException("unknown option " + args[i]);
      }
      boolean hasValue = i + 1 < args.length && !args[i + 1].startsWith("--");
      given.put(name, hasValue ? args[++i] : "true");
    }
    return given;
  }

  private static List<URI> urls(String list) {
    List<URI> urls = new ArrayList<>();
    for (String url : list.split(",")) {
      URI uri;
      try {
        uri = URI.create(url.trim());
      } catch (IllegalArgumentException e) {
        uri = null;
      }
      if (uri == null || uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getPort() == 0 || uri.getPort() > 65535) {
        throw new IllegalArgumentException("--url needs http://host:port, not " + url);
      }
      urls.add(uri);
    }
    return List.copyOf(urls);
  }

  /** Process ids of running processes: a mistyped one is a bad option, found before connecting. */
  private static List<Long> pids(String list) {
    if (list == null) {
      return List.of();
    }
    return Arrays.stream(list.split(",")).map(String::trim).map(text -> {
      long pid;
      try {
        pid = Long.parseLong(text);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--pid needs process ids, not " + list);
      }
      if (ProcessHandle.of(pid).isEmpty()) {
        throw new IllegalArgumentException("--pid " + pid + ": no such process");
      }
      return pid;
    }).toList();
  }

  /** A flag given alone, or with true or false. */
  private static boolean flag(Map<String, String> given, String name) {
    String value = given.getOrDefault(name, "false");
    if (!value.equals("true") && !value.equals("false")) {
      throw new IllegalArgumentException("--" + name + " takes no value, or true or false, not " + value);
    }
    return Boolean.parseBoolean(value);
  }

  private static int integer(Map<String, String> given, String name, int fallback) {
    double value = number(given, name, fallback);
    if (value != Math.rint(value) || Math.abs(value) > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("--" + name + " needs a whole number, not " + given.get(name));
    }
    return (int) value;
  }

  /** A finite number: infinity would make a schedule with no period, or a window that never ends. */
  private static double number(Map<String, String> given, String name, double fallback) {
    String value = given.get(name);
    try {
      double number = value == null ? fallback : Double.parseDouble(value);
      if (!Double.isFinite(number)) {
        throw new NumberFormatException(value);
      }
      return number;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " needs a number, not " + value);
    }
  }
}
