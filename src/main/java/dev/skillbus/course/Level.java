package dev.skillbus.course;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How advanced a course is; the wire value is the lower-case name. */
public enum Level {
  BEGINNER, INTERMEDIATE, ADVANCED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The level with this wire value, or {@code null}. */
  public static Level of(String wire) {
    for (Level level : values()) {
      if (level.wire().equals(wire)) {
        return level;
      }
    }
    return null;
  }

  /** The wire values, for messages: "beginner, intermediate, advanced". */
  static String choices() {
    return Arrays.stream(values()).map(Level::wire).collect(Collectors.joining(", "));
  }
}
