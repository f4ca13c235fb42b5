package dev.skillbus.store;

import dev.skillbus.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Lists by owner in this node's memory: for a single node, or for tests. One lock guards the items
 * and the owners' lists together, so an item is in its owner's list exactly when it exists.
 */
public final class InMemoryListStore implements ListStore {

  private final Map<String, Item> items = new HashMap<>();
  private final Map<String, Set<String>> owners = new HashMap<>();
  private final int maxValueBytes;
  private final int maxItemsPerOwner;

  public InMemoryListStore(int maxValueBytes, int maxItemsPerOwner) {
    this.maxValueBytes = maxValueBytes;
    this.maxItemsPerOwner = maxItemsPerOwner;
  }

  private record Item(String owner, Document doc) {
  }

  @Override
  public synchronized Future<Document> add(String kind, String ownerId, JsonObject item) {
    return Keys.guard(() -> {
      String owner = Keys.kind(kind) + ":" + Keys.id(ownerId);
      String id = UUID.randomUUID().toString();
      JsonObject value = item.copy().put(Keys.ITEM_ID, id);
      Keys.encode(value, maxValueBytes);
      Set<String> list = owners.computeIfAbsent(owner, k -> new LinkedHashSet<>());
      if (list.size() >= maxItemsPerOwner) {
        return Future.failedFuture(tooMany());
      }
      list.add(id);
      Document doc = new Document(id, 1, value);
      items.put(kind + ":" + id, new Item(owner, doc));
      return Future.succeededFuture(InMemoryDocumentStore.copy(doc));
    });
  }

  @Override
  public synchronized Future<ListPage> list(String kind, String ownerId, ListQuery query) {
    return Keys.guard(() -> {
      List<String> ids = new ArrayList<>(owners.getOrDefault(Keys.kind(kind) + ":" + Keys.id(ownerId), Set.of()));
      List<Document> page = new ArrayList<>();
      int total = 0;
      for (int i = ids.size() - 1; i >= 0; i--) {
        Document doc = items.get(kind + ":" + ids.get(i)).doc();
        if (query.selects(doc.value())) {
          if (total >= query.offset() && page.size() < query.limit()) {
            page.add(InMemoryDocumentStore.copy(doc));
          }
          total++;
        }
      }
      return Future.succeededFuture(new ListPage(page, total));
    });
  }

  @Override
  public synchronized Future<Document> get(String kind, String itemId) {
    return Keys.guard(() -> {
      Item item = items.get(key(kind, itemId));
      return Future.succeededFuture(item == null ? null : InMemoryDocumentStore.copy(item.doc()));
    });
  }

  @Override
  public synchronized Future<Document> replace(String kind, String itemId, JsonObject item, long expectedVersion) {
    return Keys.guard(() -> {
      String key = key(kind, itemId);
      JsonObject value = item.copy().put(Keys.ITEM_ID, itemId);
      Keys.encode(value, maxValueBytes);
      Item current = items.get(key);
      if (current == null) {
        return Future.failedFuture(ErrorCode.NOT_FOUND.exception("no such item"));
      }
      if (current.doc().version() != expectedVersion) {
        return Future.failedFuture(Merge.conflict(current.doc().version(), expectedVersion));
      }
      Document doc = new Document(itemId, expectedVersion + 1, value);
      items.put(key, new Item(current.owner(), doc));
      return Future.succeededFuture(InMemoryDocumentStore.copy(doc));
    });
  }

  @Override
  public synchronized Future<Document> remove(String kind, String itemId, Long expectedVersion) {
    return Keys.guard(() -> {
      String key = key(kind, itemId);
      Item item = items.get(key);
      if (item == null) {
        return Future.succeededFuture(null);
      }
      if (expectedVersion != null && item.doc().version() != expectedVersion) {
        return Future.failedFuture(Merge.conflict(item.doc().version(), expectedVersion));
      }
      items.remove(key);
      Set<String> list = owners.get(item.owner());
      list.remove(itemId);
      if (list.isEmpty()) {
        owners.remove(item.owner());
      }
      return Future.succeededFuture(InMemoryDocumentStore.copy(item.doc()));
    });
  }

  private static String key(String kind, String itemId) {
    return Keys.kind(kind) + ":" + Keys.id(itemId);
  }

  static RuntimeException tooMany() {
    return ErrorCode.TOO_LARGE.exception("this owner's list is full");
  }

  @Override
  public int maxValueBytes() {
    return maxValueBytes;
  }
}
