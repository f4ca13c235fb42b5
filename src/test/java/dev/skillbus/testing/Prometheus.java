package dev.skillbus.testing;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text format (0.0.4), for tests: it fails on any line that is
 * not a comment, a {@code # HELP}/{@code # TYPE} line or a well-formed sample, on a family typed
 * twice, and on a family whose samples are not together.
 */
public final class Prometheus {

  /** One sample: metric name, labels, value. */
  public record Sample(String name, Map<String, String> labels, double value) {
  }

  private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  private static final Pattern META = Pattern.compile("# (HELP|TYPE) (" + NAME + ")( .*)?");
  private static final Pattern TYPE = Pattern.compile("counter|gauge|histogram|summary|untyped");
  private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{(.*)\\})? (\\S+)( -?\\d+)?");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

  private Prometheus() {
  }

  /** Every sample of the text; an AssertionError naming the line that is not Prometheus text. */
  public static List<Sample> parse(String text) {
    List<Sample> samples = new ArrayList<>();
    Set<String> typed = new HashSet<>();
    Set<String> closed = new HashSet<>();
    String family = null;
    for (String line : text.split("\n")) {
      Matcher meta = META.matcher(line);
      if (meta.matches()) {
        if (!meta.group(2).equals(family)) {
          check(!closed.contains(meta.group(2)), "family seen twice", line);
          closed.add(family);
          family = meta.group(2);
        }
        check(!"TYPE".equals(meta.group(1)) || typed.add(family) && TYPE.matcher(meta.group(3).trim()).matches(),
          "bad or repeated TYPE", line);
      } else if (!line.isBlank() && !line.startsWith("#")) {
        Sample sample = sample(line);
        check(family == null || sample.name().startsWith(family) || family.startsWith(sample.name()),
          "sample outside its family " + family, line);
        samples.add(sample);
      }
    }
    return samples;
  }

  private static Sample sample(String line) {
    Matcher m = SAMPLE.matcher(line);
    check(m.matches(), "not a sample", line);
    Map<String, String> labels = new LinkedHashMap<>();
    if (m.group(3) != null) {
      Matcher label = LABEL.matcher(m.group(3));
      int end = 0;
      while (label.find() && label.start() == end) {
        labels.put(label.group(1), label.group(2));
        end = label.end();
      }
      check(end == m.group(3).length(), "bad labels", line);
    }
    return new Sample(m.group(1), labels, value(m.group(4), line));
  }

  private static double value(String text, String line) {
    return switch (text) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> {
        try {
          yield Double.parseDouble(text);
        } catch (NumberFormatException e) {
          throw new AssertionError("bad value in: " + line);
        }
      }
    };
  }

  /** The sum of the samples with this name whose labels include these. */
  public static double sum(List<Sample> samples, String name, Map<String, String> labels) {
    return samples.stream()
      .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
      .mapToDouble(Sample::value).sum();
  }

  private static void check(boolean ok, String what, String line) {
    if (!ok) {
      throw new AssertionError(what + ": " + line);
    }
  }
}
