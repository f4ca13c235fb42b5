package dev.skillbus.coaching;

import dev.skillbus.protocol.Fields;
import dev.skillbus.store.Document;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;

/**
 * One page of a listing, newest first: {@code offset} items skipped, at most {@code limit} shown.
 * Read from a request whose values may be numbers (event bus) or digit strings (a query string).
 */
record Page(int offset, int limit) {

  static final String OFFSET = "offset";
  static final String LIMIT = "limit";
  static final String ITEMS = "items";
  static final String TOTAL = "total";

  static Page of(JsonObject body, CoachingSettings settings) {
    int limit = Fields.optionalInt(body, LIMIT, 1, settings.maxPageSize(), settings.pageSize());
    int offset = Fields.optionalInt(body, OFFSET, 0, Integer.MAX_VALUE, 0);
    return new Page(offset, limit);
  }

  /**
   * The reply {@code {items, total, offset, limit}}: the items that {@code keep} accepts, newest
   * first (stores list them oldest first), and how many there are in all.
   */
  JsonObject of(List<Document> oldestFirst, Predicate<JsonObject> keep) {
    List<JsonObject> kept = new ArrayList<>();
    for (Document doc : oldestFirst) {
      if (keep.test(doc.value())) {
        kept.add(doc.value());
      }
    }
    Collections.reverse(kept);
    List<JsonObject> page = kept.subList(Math.min(offset, kept.size()), (int) Math.min((long) offset + limit, kept.size()));
    return new JsonObject()
      .put(ITEMS, new JsonArray(new ArrayList<>(page)))
      .put(TOTAL, kept.size())
      .put(OFFSET, offset)
      .put(LIMIT, limit);
  }
}
