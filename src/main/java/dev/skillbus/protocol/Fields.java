package dev.skillbus.protocol;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reading and validating inbound bodies at the door of a verticle. Every method throws a
 * {@link ProtocolException} with {@link ErrorCode#BAD_REQUEST} naming the field that was wrong.
 */
public final class Fields {

  /** Room and session ids: letters, digits, {@code _} and {@code -}, 1 to 128 of them. */
  public static final Pattern ROOM_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
  /** User ids: letters, digits, {@code _ . @ -}, 1 to 128 of them. */
  public static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9_.@-]{1,128}");
  /** Letters and symbols with nothing to draw: the Hangul fillers (choseong, jungseong, Hangul, halfwidth), the blank Braille pattern. */
  private static final String DRAWN_BLANK = "\u115F\u1160\u3164\uFFA0\u2800";

  private Fields() {
  }

  public static String requiredString(JsonObject body, String field, int maxLength) {
    String value = optionalString(body, field, maxLength);
    if (value == null || isBlank(value)) {
      throw bad("'" + field + "' is required");
    }
    return value;
  }

  /**
   * Whether a text shows nothing: every character is white space, a space of any width (the no-break
   * ones, U+3000), an invisible format character (the zero-width space and joiners, U+FEFF), or one
   * of the letters and symbols drawn as blank (the Hangul fillers, the blank Braille pattern).
   * Java's {@link String#isBlank} counts only the first.
   */
  public static boolean isBlank(String s) {
    return s.codePoints().allMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c)
      || Character.getType(c) == Character.FORMAT || DRAWN_BLANK.indexOf(c) >= 0);
  }

  /**
   * The characters of a string as a user counts them: code points, so that an emoji or any
   * character outside the Basic Multilingual Plane counts once (Java's length counts it twice).
   */
  public static int characters(String s) {
    return s.codePointCount(0, s.length());
  }

  /**
   * Refuses (400) a text that is not Unicode: one holding half of a UTF-16 surrogate pair alone
   * (JSON's {@code "\\ud800"}), which no UTF-8 text can hold, so that the store and a REST reply
   * would give back something else than what was acknowledged.
   */
  public static String unicode(String s, String field) {
    if (s.codePoints().anyMatch(c -> c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE)) {
      throw bad("'" + field + "' is not valid Unicode text: it holds half of a surrogate pair");
    }
    return s;
  }

  /**
   * Free JSON of any shape (a message's or a notification's {@code data}): at most {@code maxBytes}
   * when encoded (413 above), and Unicode throughout (400 for a string or key holding half of a
   * surrogate pair, as {@link #unicode} refuses in a text field). Returns the value, or null.
   */
  public static Object json(Object value, String field, int maxBytes) {
    if (value == null) {
      return null;
    }
    if (Json.encodeToBuffer(value).length() > maxBytes) {
      throw ErrorCode.TOO_LARGE.exception("'" + field + "' must be at most " + maxBytes + " bytes as JSON");
    }
    checkUnicode(value, field);
    return value;
  }

  private static void checkUnicode(Object value, String field) {
    if (value instanceof String s) {
      unicode(s, field);
    } else if (value instanceof JsonObject object) {
      for (Map.Entry<String, Object> entry : object) {
        unicode(entry.getKey(), field);
        checkUnicode(entry.getValue(), field);
      }
    } else if (value instanceof JsonArray array) {
      for (Object item : array) {
        checkUnicode(item, field);
      }
    }
  }

  public static String optionalString(JsonObject body, String field, int maxLength) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s)) {
      throw bad("'" + field + "' must be a string");
    }
    if (characters(s) > maxLength) {
      throw bad("'" + field + "' must be at most " + maxLength + " characters");
    }
    return unicode(s, field);
  }

  public static String requiredId(JsonObject body, String field, Pattern pattern) {
    Object value = body.getValue(field);
    if (value == null) {
      throw bad("'" + field + "' is required");
    }
    if (!(value instanceof String s) || !pattern.matcher(s).matches()) {
      throw bad("'" + field + "' must match " + pattern.pattern());
    }
    return s;
  }

  public static boolean requiredBoolean(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (!(value instanceof Boolean b)) {
      throw bad("'" + field + "' must be true or false");
    }
    return b;
  }

  public static int requiredInt(JsonObject body, String field, int min, int max) {
    Object value = body.getValue(field);
    if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw bad("'" + field + "' must be an integer");
    }
    Long v = exactLong(n);
    if (v == null || v < min || v > max) {
      throw bad("'" + field + "' must be between " + min + " and " + max);
    }
    return (int) (long) v;
  }

  /**
   * The number as a long when it is an integer that a long holds exactly, or null: JSON's integers
   * beyond a long (a {@link BigInteger}) are not taken for their last 64 bits.
   */
  public static Long exactLong(Number n) {
    if (n instanceof BigInteger big) {
      return big.bitLength() < Long.SIZE ? big.longValue() : null;
    }
    if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
      return n.longValue();
    }
    double d = n.doubleValue();
    return d == Math.rint(d) && d >= -0x1p63 && d < 0x1p63 ? (long) d : null;
  }

  /**
   * An optional integer between {@code min} and {@code max}, {@code fallback} when absent. A string
   * of digits counts as its number: query parameters arrive as strings.
   */
  public static int optionalInt(JsonObject body, String field, int min, int max, int fallback) {
    Object value = body.getValue(field);
    if (value == null) {
      return fallback;
    }
    JsonObject asNumber = new JsonObject().put(field, value);
    if (value instanceof String s && s.matches("-?\\d{1,10}")) {
      asNumber.put(field, Long.parseLong(s));
    }
    return requiredInt(asNumber, field, min, max);
  }

  /** An optional non-negative integer, {@code fallback} when absent. */
  public static long optionalLong(JsonObject body, String field, long fallback) {
    Object value = body.getValue(field);
    if (value == null) {
      return fallback;
    }
    Long v = value instanceof Number n ? exactLong(n) : null;
    if (v == null || v < 0) {
      throw bad("'" + field + "' must be a non-negative integer (at most " + Long.MAX_VALUE + ")");
    }
    return v;
  }

  public static ProtocolException bad(String message) {
    return ErrorCode.BAD_REQUEST.exception(message);
  }
}
