package dev.skillbus.store;

import dev.skillbus.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Lists by owner in Redis: each item a hash {@code item:<kind>:<id>} (its version, value and the
 * list it is in, and each of its selectable fields as {@code f:<name>}, see {@link ListQuery}), each
 * owner a list of item ids {@code items:<kind>:<owner>}, oldest first. Adding and removing change
 * both in one script.
 */
public final class RedisListStore implements ListStore {

  private final RedisLink redis;
  private final int maxValueBytes;
  private final int maxItemsPerOwner;

  public RedisListStore(RedisLink redis, int maxValueBytes, int maxItemsPerOwner) {
    this.redis = redis;
    this.maxValueBytes = maxValueBytes;
    this.maxItemsPerOwner = maxItemsPerOwner;
  }

  @Override
  public Future<Document> add(String kind, String ownerId, JsonObject item) {
    return Keys.guard(() -> {
      String list = listKey(kind, ownerId);
      String id = UUID.randomUUID().toString();
      JsonObject value = item.copy().put(Keys.ITEM_ID, id);
      Buffer encoded = Keys.encode(value, maxValueBytes);
      List<Buffer> args = RedisScript.args(Integer.toString(maxItemsPerOwner), id);
      args.add(encoded);
      args.add(Buffer.buffer(itemPrefix(kind)));
      return redis.eval(StoreScripts.ADD, List.of(list, itemKey(kind, id)), withFields(args, value))
        .compose(r -> r.toInteger() == 1
          ? Future.succeededFuture(new Document(id, 1, value))
          : Future.failedFuture(InMemoryListStore.tooMany()));
    });
  }

  /**
   * The page is chosen inside Redis ({@link StoreScripts#LIST}): only the page's values are read
   * and sent, however long the owner's list.
   */
  @Override
  public Future<ListPage> list(String kind, String ownerId, ListQuery query) {
    return Keys.guard(() -> {
      List<Buffer> args = RedisScript.args(itemPrefix(kind), Integer.toString(query.offset()), Integer.toString(query.limit()),
        Integer.toString(query.only().size()));
      query.only().forEach((field, value) -> args.addAll(RedisScript.args(field, value)));
      query.except().forEach((field, values) -> values.forEach(value -> args.addAll(RedisScript.args(field, value))));
      return redis.eval(StoreScripts.LIST, List.of(listKey(kind, ownerId)), args).map(RedisListStore::page);
    });
  }

  private static ListPage page(Response r) {
    List<Document> found = new ArrayList<>();
    for (int i = 1; i + 1 < r.size(); i += 2) {
      JsonObject value = new JsonObject(r.get(i + 1).toBuffer());
      found.add(new Document(value.getString(Keys.ITEM_ID), r.get(i).toLong(), value));
    }
    return new ListPage(found, r.get(0).toInteger());
  }

  /** {@code args} and then the value's selectable fields, as {@code f:<name>}, value pairs for the item's hash. */
  private static List<Buffer> withFields(List<Buffer> args, JsonObject value) {
    value.forEach(field -> {
      if (ListQuery.selectable(field.getKey(), field.getValue())) {
        args.addAll(RedisScript.args("f:" + field.getKey(), (String) field.getValue()));
      }
    });
    return args;
  }

  @Override
  public Future<Document> get(String kind, String itemId) {
    return Keys.guard(() -> RedisDocumentStore.read(redis, itemKey(kind, itemId), itemId));
  }

  @Override
  public Future<Document> replace(String kind, String itemId, JsonObject item, long expectedVersion) {
    return Keys.guard(() -> {
      String key = itemKey(kind, itemId);
      JsonObject value = item.copy().put(Keys.ITEM_ID, itemId);
      Buffer encoded = Keys.encode(value, maxValueBytes);
      List<Buffer> args = RedisScript.args(Long.toString(expectedVersion));
      args.add(encoded);
      return redis.eval(StoreScripts.REPLACE, List.of(key), withFields(args, value))
        .compose(r -> r.get(0).toInteger() == -1
          ? Future.failedFuture(ErrorCode.NOT_FOUND.exception("no such item"))
          : RedisDocumentStore.written(r, itemId, value, expectedVersion));
    });
  }

  @Override
  public Future<Document> remove(String kind, String itemId, Long expectedVersion) {
    return Keys.guard(() -> {
      Buffer expected = Buffer.buffer(expectedVersion == null ? "" : expectedVersion.toString());
      return redis.eval(StoreScripts.REMOVE, List.of(itemKey(kind, itemId)), List.of(Buffer.buffer(itemId), expected))
        .compose(r -> switch (r.get(0).toInteger()) {
          case -1 -> Future.succeededFuture(null);
          case 0 -> Future.failedFuture(Merge.conflict(r.get(1).toLong(), expectedVersion));
          default -> Future.succeededFuture(new Document(itemId, r.get(1).toLong(), new JsonObject(r.get(2).toBuffer())));
        });
    });
  }

  private String listKey(String kind, String ownerId) {
    return redis.key("items", Keys.kind(kind), Keys.id(ownerId));
  }

  private String itemKey(String kind, String itemId) {
    return redis.key("item", Keys.kind(kind), Keys.id(itemId));
  }

  /** What every item key of this kind starts with. */
  private String itemPrefix(String kind) {
    return redis.key("item", Keys.kind(kind), "");
  }

  @Override
  public int maxValueBytes() {
    return maxValueBytes;
  }
}
