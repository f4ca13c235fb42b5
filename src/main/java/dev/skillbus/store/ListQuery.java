package dev.skillbus.store;

import dev.skillbus.protocol.ErrorCode;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which of an owner's items a listing shows and which page of them: the items whose top-level
 * field {@code f} is the string {@code only.get(f)} for every entry of {@code only}, and whose field
 * {@code f} is none of the strings in {@code except.get(f)} (an item without the field, or with
 * another type there, is never left out by {@code except}); newest first, {@code offset} of them
 * skipped, at most {@code limit} shown. Items are selected by short string fields only: names that
 * match {@link #FIELD}, values of at most {@link #MAX_VALUE_CHARS} characters.
 */
public record ListQuery(int offset, int limit, Map<String, String> only, Map<String, Set<String>> except) {

  /** The names of the fields a listing may select by. */
  public static final Pattern FIELD = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");
  /** The longest value a listing may select by: ids (128 characters) and short words. */
  public static final int MAX_VALUE_CHARS = 128;

  public ListQuery {
    if (offset < 0 || limit < 1) {
      throw ErrorCode.BAD_REQUEST.exception("offset must be at least 0 and limit at least 1");
    }
    only.forEach(ListQuery::requireSelectable);
    except.forEach((field, values) -> values.forEach(value -> requireSelectable(field, value)));
    only = Map.copyOf(only);
    except = except.entrySet().stream()
      .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> Set.copyOf(e.getValue())));
  }

  /** Every item of the owner, this page of them. */
  public static ListQuery page(int offset, int limit) {
    return new ListQuery(offset, limit, Map.of(), Map.of());
  }

  /** This query, showing only the items whose {@code field} is {@code value}. */
  public ListQuery only(String field, String value) {
    Map<String, String> more = new HashMap<>(only);
    more.put(field, value);
    return new ListQuery(offset, limit, more, except);
  }

  /** This query, leaving out the items whose {@code field} is one of {@code values}. */
  public ListQuery except(String field, Set<String> values) {
    Map<String, Set<String>> more = new HashMap<>(except);
    Set<String> all = new HashSet<>(more.getOrDefault(field, Set.of()));
    all.addAll(values);
    more.put(field, all);
    return new ListQuery(offset, limit, only, more);
  }

  /** Whether an item with this value is listed. */
  public boolean selects(JsonObject value) {
    for (Map.Entry<String, String> wanted : only.entrySet()) {
      if (!wanted.getValue().equals(value.getValue(wanted.getKey()))) {
        return false;
      }
    }
    for (Map.Entry<String, Set<String>> left : except.entrySet()) {
      if (value.getValue(left.getKey()) instanceof String s && left.getValue().contains(s)) {
        return false;
      }
    }
    return true;
  }

  /** Whether a stored field can be selected by: its value is a short string. */
  static boolean selectable(String field, Object value) {
    return FIELD.matcher(field).matches() && value instanceof String s && s.length() <= MAX_VALUE_CHARS;
  }

  private static void requireSelectable(String field, String value) {
    if (field == null || !selectable(field, value)) {
      throw ErrorCode.BAD_REQUEST.exception("a listing selects by fields matching " + FIELD.pattern()
        + " and string values of at most " + MAX_VALUE_CHARS + " characters");
    }
  }
}
