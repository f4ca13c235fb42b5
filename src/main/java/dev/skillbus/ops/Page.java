package dev.skillbus.ops;

import dev.skillbus.protocol.Fields;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** One page of a listing: {@code offset} items skipped, at most {@code limit} shown. */
record Page(int offset, int limit) {

  static final String OFFSET = "offset";
  static final String LIMIT = "limit";

  /** The page a request asks for (numbers, or digit strings from a query); 400 naming a bad field. */
  static Page of(JsonObject body, OpsSettings settings) {
    return new Page(Fields.optionalInt(body, OFFSET, 0, Integer.MAX_VALUE, 0),
      Fields.optionalInt(body, LIMIT, 1, settings.maxPageSize(), settings.pageSize()));
  }

  /** This page of {@code all}. */
  <T> List<T> of(List<T> all) {
    int from = Math.min(offset, all.size());
    return new ArrayList<>(all.subList(from, (int) Math.min((long) from + limit, all.size())));
  }

  /** {@code {items, total, offset, limit}}. */
  JsonObject reply(List<JsonObject> items, int total) {
    return new JsonObject()
      .put("items", new JsonArray(new ArrayList<>(items)))
      .put("total", total)
      .put(OFFSET, offset)
      .put(LIMIT, limit);
  }
}
