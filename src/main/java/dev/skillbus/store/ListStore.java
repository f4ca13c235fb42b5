package dev.skillbus.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Items kept in lists by owner (an agent's quick notes, their action items), in the order added. Each
 * item gets an {@code id} of its own when added, stored in its value too, and is read, updated and
 * removed by that id alone. An owner holds at most the store's item limit (413 above); ids follow
 * {@link Keys#ID}; a value larger than the store's limit is refused with 413.
 */
public interface ListStore {

  /** Appends an item to the owner's list; its value gets the new {@code id}. */
  Future<Document> add(String kind, String ownerId, JsonObject item);

  /**
   * The page of the owner's items that {@code query} selects, newest first, and how many it selects
   * in all. Only the page's values are read, not the owner's whole list.
   */
  Future<ListPage> list(String kind, String ownerId, ListQuery query);

  /** The item, or {@code null} when there is none. */
  Future<Document> get(String kind, String itemId);

  /** Replaces an item's value if its version is {@code expectedVersion}: 404 when none, 409 when changed. */
  Future<Document> replace(String kind, String itemId, JsonObject item, long expectedVersion);

  /** Merges {@code changes} into an item's top level (its {@code id} stays); 404 when there is none. */
  default Future<Document> update(String kind, String itemId, JsonObject changes) {
    JsonObject safe = changes.copy();
    safe.remove(Keys.ITEM_ID);
    return Merge.apply(() -> get(kind, itemId), (value, version) -> replace(kind, itemId, value, version),
      safe, null, true, maxValueBytes());
  }

  /**
   * Removes an item and its place in its owner's list in one step, so that the owner may add
   * another in its place, if its version is {@code expectedVersion} (null: whatever it is): the
   * removed item, or {@code null} when there is none; 409 when its version changed.
   */
  Future<Document> remove(String kind, String itemId, Long expectedVersion);

  /** The largest item stored, in bytes of its JSON (413 above). */
  int maxValueBytes();
}
