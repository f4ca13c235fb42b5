package dev.skillbus.coaching;

import dev.skillbus.auth.Identity;
import dev.skillbus.protocol.Fields;
import dev.skillbus.protocol.Timestamps;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Field names of the coaching requests, stored items and events (the Coach App's names), their
 * limits, and the validators that {@code protocol.Fields} does not have. Every refusal is a 400
 * naming the field, or a 413 for a field over its size in bytes.
 */
final class CoachingFields {

  static final String ID = "id";
  static final String AGENT_ID = "agentId";
  static final String TEAM_LEADER_ID = "teamLeaderId";
  static final String SESSION_ID = "sessionId";
  static final String NOTE_TYPE = "noteType";
  static final String CONTENT = "content";
  static final String PRIORITY = "priority";
  static final String CATEGORY = "category";
  static final String TITLE = "title";
  static final String DESCRIPTION = "description";
  static final String DUE_DATE = "dueDate";
  static final String STATUS = "status";
  static final String CREATED_AT = "createdAt";
  static final String CREATED_BY = "createdBy";
  static final String UPDATED_AT = "updatedAt";
  static final String UPDATED_BY = "updatedBy";
  static final String NAME = "name";
  static final String USER_ID = "userId";
  static final String TYPE = "type";
  static final String MESSAGE = "message";
  static final String DATA = "data";
  static final String FROM = "from";

  static final List<String> NOTE_TYPES = List.of("COACHING", "POSITIVE", "URGENT");
  static final List<String> PRIORITIES = List.of("LOW", "MEDIUM", "HIGH");
  static final List<String> NOTIFICATION_TYPES = List.of("info", "success", "warning", "error");

  static final int MAX_CONTENT = 5000;
  static final int MAX_CATEGORY = 100;
  static final int MAX_TITLE = 200;
  static final int MAX_DESCRIPTION = 5000;
  static final int MAX_DATE = 64;
  static final int MAX_MESSAGE = 2000;
  static final int MAX_DATA_BYTES = 16 * 1024;

  private static final Pattern DATE_ONLY = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  /**
   * The date-times taken: a four-digit year, hours and minutes, optional seconds and fraction (of any
   * length), and optionally {@code Z} or an offset in hours and minutes; {@code T} and {@code Z} in
   * either case, as RFC 3339 allows. What Java's parser takes beyond that (a zone name in brackets,
   * a signed longer year, an offset with seconds) is refused: browsers' {@code Date} and RFC 3339
   * parsers do not read it.
   */
  private static final Pattern DATE_TIME =
    Pattern.compile("\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?([Zz]|[+-]\\d{2}:\\d{2})?");
  /** Fraction digits past the nanoseconds Java's parser reads: they change nothing of the instant checked. */
  private static final Pattern BEYOND_NANOS = Pattern.compile("(\\.\\d{9})\\d+");

  private CoachingFields() {
  }

  /** A required string that must be one of {@code allowed}, exactly (case matters, as in the seeds). */
  static String oneOf(JsonObject body, String field, List<String> allowed) {
    Object value = body.getValue(field);
    if (value == null) {
      throw Fields.bad("'" + field + "' is required");
    }
    if (!(value instanceof String s) || !allowed.contains(s)) {
      throw Fields.bad("'" + field + "' must be one of " + String.join(", ", allowed));
    }
    return s;
  }

  /** An optional id, {@code null} when absent. */
  static String optionalId(JsonObject body, String field, Pattern pattern) {
    return body.getValue(field) == null ? null : Fields.requiredId(body, field, pattern);
  }

  /**
   * A required ISO-8601 date ({@code 2026-03-31}) or date-time ({@code 2026-03-31T17:00:00Z}, see
   * {@link #DATE_TIME}) that exists, as given.
   */
  static String isoDate(JsonObject body, String field) {
    String value = Fields.requiredString(body, field, MAX_DATE);
    if (!isIsoDate(value)) {
      throw Fields.bad("'" + field + "' must be an ISO-8601 date or date-time, e.g. 2026-03-31 or 2026-03-31T17:00:00Z");
    }
    return value;
  }

  private static boolean isIsoDate(String value) {
    try {
      if (DATE_ONLY.matcher(value).matches()) {
        LocalDate.parse(value);
        return true;
      }
      if (DATE_TIME.matcher(value).matches()) {
        // Checked in the form Java's parser reads: upper-case T and Z, at most nine fraction digits.
        DateTimeFormatter.ISO_DATE_TIME.parse(BEYOND_NANOS.matcher(value.toUpperCase(Locale.ROOT)).replaceFirst("$1"));
        return true;
      }
      return false;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  /** Optional JSON of any shape, at most {@link #MAX_DATA_BYTES} when encoded (413 above), Unicode throughout. */
  static Object optionalData(JsonObject body, String field) {
    return Fields.json(body.getValue(field), field, MAX_DATA_BYTES);
  }

  /** Who did something, as stored and sent: {@code {id, name}} from the verified identity. */
  static JsonObject person(Identity identity) {
    return new JsonObject().put(ID, identity.userId()).put(NAME, identity.name());
  }

  static String now() {
    return Timestamps.now();
  }
}
