package dev.skillbus.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One page of a listing ({@code ?offset=&limit=}): {@code offset} items skipped, at most
 * {@code limit} shown, answered as {@code {items, total, offset, limit}}.
 */
public record Page(int offset, int limit) {

  public static final String OFFSET = "offset";
  public static final String LIMIT = "limit";
  public static final String ITEMS = "items";
  public static final String TOTAL = "total";

  /**
   * The page a request asks for; its values may be numbers (event bus) or digit strings (a query
   * string). A 400 names a bad field: {@code limit} must be 1–{@code maxSize}, {@code offset} ≥ 0.
   */
  public static Page of(JsonObject body, int defaultSize, int maxSize) {
    return new Page(Fields.optionalInt(body, OFFSET, 0, Integer.MAX_VALUE, 0),
      Fields.optionalInt(body, LIMIT, 1, maxSize, defaultSize));
  }

  /** This page of {@code all}. */
  public <T> List<T> of(List<T> all) {
    int from = Math.min(offset, all.size());
    return new ArrayList<>(all.subList(from, (int) Math.min((long) from + limit, all.size())));
  }

  /** {@code {items, total, offset, limit}}. */
  public JsonObject reply(List<JsonObject> items, int total) {
    return new JsonObject()
      .put(ITEMS, new JsonArray(new ArrayList<>(items)))
      .put(TOTAL, total)
      .put(OFFSET, offset)
      .put(LIMIT, limit);
  }
}
