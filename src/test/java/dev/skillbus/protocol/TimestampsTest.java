package dev.skillbus.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimestampsTest {

  private static final DateTimeFormatter WIRE = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
    .withZone(ZoneOffset.UTC);

  @Test
  void alwaysThreeDigitsOfMilliseconds() {
    assertEquals("2026-11-21T10:00:00.000Z", Timestamps.iso(Instant.parse("2026-11-21T10:00:00Z").toEpochMilli()));
    assertEquals("2026-11-21T10:00:00.007Z", Timestamps.iso(Instant.parse("2026-11-21T10:00:00.007Z").toEpochMilli()));
    assertEquals("2026-11-21T10:00:00.070Z", Timestamps.iso(Instant.parse("2026-11-21T10:00:00.070Z").toEpochMilli()));
  }

  @Test
  void calendarEdges() {
    for (String text : new String[] {"1970-01-01T00:00:00.000Z", "1969-12-31T23:59:59.999Z", "2024-02-29T23:59:59.999Z",
      "2024-03-01T00:00:00.000Z", "2000-01-01T00:00:00.001Z", "0001-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z"}) {
      assertEquals(text, Timestamps.iso(Instant.parse(text).toEpochMilli()));
    }
  }

  @Test
  void beyondYear9999AsJavaWritesIt() {
    long millis = Instant.parse("+10000-01-01T00:00:00Z").toEpochMilli();
    assertEquals(Instant.ofEpochMilli(millis).toString(), Timestamps.iso(millis));
  }

  @Test
  void agreesWithJavaTimeAcrossSecondsInAnyOrder() {
    SplittableRandom random = new SplittableRandom(7);
    long base = Instant.parse("2026-11-21T10:00:00Z").toEpochMilli();
    for (int i = 0; i < 20_000; i++) {
      // Mostly within a few seconds of each other, so that the cached second is reused and replaced.
      long millis = i % 10 == 0 ? random.nextLong(0, 253_402_300_799_999L) : base + random.nextLong(-3_000, 3_000);
      assertEquals(WIRE.format(Instant.ofEpochMilli(millis)), Timestamps.iso(millis), "at " + millis);
    }
  }

  @Test
  void nowParsesAsAnInstantOfNow() {
    long before = System.currentTimeMillis();
    Instant now = Instant.parse(Timestamps.now());
    assertTrue(now.toEpochMilli() >= before && now.toEpochMilli() <= System.currentTimeMillis(), now.toString());
  }
}
