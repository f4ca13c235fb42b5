package dev.skillbus.protocol;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The wire's one time format: ISO-8601 in UTC with milliseconds, always three digits
 * ({@code 2026-11-21T10:00:00.000Z}), as design.md shows for {@code ts}. Every envelope, and every
 * participant of a {@code user-joined} list, carries one, so the text up to the second is kept for
 * the last second formatted and only the milliseconds are written per call.
 */
public final class Timestamps {

  /** The last second formatted, as {@code yyyy-MM-ddTHH:mm:ss.} (immutable: shared across threads). */
  private record Second(long epochSecond, String prefix) {
  }

  private static final DateTimeFormatter TO_THE_SECOND = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.");

  private static volatile Second last = new Second(Long.MIN_VALUE, "");

  private Timestamps() {
  }

  /** Now, to the millisecond. */
  public static String now() {
    return iso(System.currentTimeMillis());
  }

  /** This instant, to the millisecond. */
  public static String iso(long epochMillis) {
    long epochSecond = Math.floorDiv(epochMillis, 1000L);
    int millis = (int) Math.floorMod(epochMillis, 1000L);
    Second second = last;
    if (second.epochSecond != epochSecond) {
      String prefix = prefixOf(epochSecond);
      if (prefix == null) {
        return Instant.ofEpochMilli(epochMillis).toString();
      }
      second = new Second(epochSecond, prefix);
      last = second;
    }
    StringBuilder text = new StringBuilder(24).append(second.prefix);
    text.append((char) ('0' + millis / 100)).append((char) ('0' + millis / 10 % 10)).append((char) ('0' + millis % 10));
    return text.append('Z').toString();
  }

  /** {@code yyyy-MM-ddTHH:mm:ss.}, or null outside years 0–9999 (which ISO writes differently). */
  private static String prefixOf(long epochSecond) {
    LocalDateTime time = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
    return time.getYear() < 0 || time.getYear() > 9999 ? null : TO_THE_SECOND.format(time);
  }
}
