package dev.skillbus.ops;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Prometheus text format (0.0.4) of several nodes as one: every sample labelled with its node,
 * and each metric family's {@code # HELP} and {@code # TYPE} written once, followed by the samples
 * of every node, as the format requires.
 */
final class PrometheusText {

  static final String NODE_LABEL = "node";

  private PrometheusText() {
  }

  /** The text with {@code node="<nodeId>"} added to the labels of each sample. */
  static String labelled(String text, String nodeId) {
    String label = NODE_LABEL + "=\"" + escape(nodeId) + "\"";
    StringBuilder out = new StringBuilder(text.length() + 4096);
    for (String line : text.split("\n")) {
      out.append(line.isBlank() || line.startsWith("#") ? line : withLabel(line, label)).append('\n');
    }
    return out.toString();
  }

  private static String withLabel(String sample, String label) {
    int brace = sample.indexOf('{');
    int space = sample.indexOf(' ');
    if (brace >= 0 && (space < 0 || brace < space)) {
      String separator = sample.charAt(brace + 1) == '}' ? "" : ",";
      return sample.substring(0, brace + 1) + label + separator + sample.substring(brace + 1);
    }
    return sample.substring(0, space) + "{" + label + "}" + sample.substring(space);
  }

  /** Several expositions as one, families in the order first seen. */
  static String merge(Collection<String> texts) {
    Map<String, Family> families = new LinkedHashMap<>();
    for (String text : texts) {
      Family current = null;
      for (String line : text.split("\n")) {
        if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
          current = families.computeIfAbsent(line.split(" ", 4)[2], name -> new Family());
          current.describe(line);
        } else if (!line.isBlank() && !line.startsWith("#")) {
          if (current == null) {
            current = families.computeIfAbsent(line.split("[{ ]", 2)[0], name -> new Family());
          }
          current.samples.add(line);
        }
      }
    }
    StringBuilder out = new StringBuilder();
    families.values().forEach(family -> family.write(out));
    return out.toString();
  }

  static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static final class Family {
    String help;
    String type;
    final List<String> samples = new ArrayList<>();

    void describe(String line) {
      if (line.startsWith("# HELP ") && help == null) {
        help = line;
      } else if (line.startsWith("# TYPE ") && type == null) {
        type = line;
      }
    }

    void write(StringBuilder out) {
      if (help != null) {
        out.append(help).append('\n');
      }
      if (type != null) {
        out.append(type).append('\n');
      }
      samples.forEach(sample -> out.append(sample).append('\n'));
    }
  }
}
