package dev.skillbus.store;

import static dev.skillbus.store.StoreAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.testing.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("RedisListStore keeps the list store contract")
class RedisListStoreTest extends ListStoreContractTest {

  @RegisterExtension
  static final TestRedis REDIS = new TestRedis(6003);

  @Override
  protected ListStore create(Vertx vertx, int maxValueBytes, int maxItemsPerOwner) {
    return new RedisListStore(REDIS.link(vertx), maxValueBytes, maxItemsPerOwner);
  }

  private static Future<Void> command(Vertx vertx, Request request) {
    return REDIS.command(vertx, REDIS.url(), request).mapEmpty();
  }

  @Test
  @DisplayName("a page of a long list leaves Redis with that page only, filtered or not")
  void pageReadInRedis(Vertx vertx) {
    int items = 60;
    int itemBytes = 8000;
    ListStore store = create(vertx, 2 * itemBytes, items);
    String owner = "long-" + UUID.randomUUID();
    List<Future<Document>> adds = new ArrayList<>();
    for (int i = 0; i < items; i++) {
      adds.add(store.add("notes", owner, new JsonObject().put("status", i % 2 == 0 ? "open" : "done")
        .put("content", "x".repeat(itemBytes))));
    }
    await(Future.all(adds));
    for (ListQuery query : List.of(ListQuery.page(0, 2), ListQuery.page(10, 2).only("status", "open"))) {
      long before = await(REDIS.bytesSent(vertx));
      ListPage page = await(store.list("notes", owner, query));
      long sent = await(REDIS.bytesSent(vertx)) - before;
      assertThat(page.items()).as(query.toString()).hasSize(2);
      assertThat(sent).as("bytes sent for " + query).isLessThan(4L * itemBytes);
    }
  }

  @Test
  @DisplayName("a full list whose items Redis evicted gives up their places: the next add is taken")
  void evictedItemsGiveUpTheirPlaces(Vertx vertx) {
    ListStore store = create(vertx, 1024, 2);
    String owner = "evicted-" + UUID.randomUUID();
    Document first = await(store.add("notes", owner, new JsonObject().put("n", 1)));
    Document second = await(store.add("notes", owner, new JsonObject().put("n", 2)));
    StoreAssertions.assertRefused(store.add("notes", owner, new JsonObject().put("n", 3)), ErrorCode.TOO_LARGE);
    // As an evicting policy drops it: the item goes, its id stays in the owner's list.
    await(command(vertx, Request.cmd(Command.DEL).arg("test:item:notes:" + first.id())));
    Document third = await(store.add("notes", owner, new JsonObject().put("n", 3)));
    assertThat(await(store.list("notes", owner, ListQuery.page(0, 10))).items()).extracting(Document::id)
      .containsExactly(third.id(), second.id());
  }

  @Test
  @DisplayName("items that an older node wrote or changed, without their fields beside them, are selected by their value")
  void itemsOfAnOlderNode(Vertx vertx) {
    ListStore store = create(vertx, 1024, 10);
    String owner = "older-" + UUID.randomUUID();
    Document changed = await(store.add("notes", owner, new JsonObject().put("status", "open").put("n", 0)));
    String list = "test:items:notes:" + owner;
    String unmarked = UUID.randomUUID().toString();
    JsonObject value = new JsonObject().put("id", unmarked).put("status", "open").put("n", 1);
    await(command(vertx, Request.cmd(Command.RPUSH).arg(list).arg(unmarked)));
    await(command(vertx, Request.cmd(Command.HSET).arg("test:item:notes:" + unmarked)
      .arg("list").arg(list).arg("v").arg(1).arg("json").arg(value.encode())));
    await(command(vertx, Request.cmd(Command.HSET).arg("test:item:notes:" + changed.id())
      .arg("v").arg(2).arg("json").arg(changed.value().copy().put("status", "done").encode())));

    ListPage open = await(store.list("notes", owner, ListQuery.page(0, 10).only("status", "open")));
    assertThat(open).isEqualTo(new ListPage(List.of(new Document(unmarked, 1, value)), 1));
    ListPage done = await(store.list("notes", owner, ListQuery.page(0, 10).only("status", "done")));
    assertThat(done.items()).extracting(Document::id).containsExactly(changed.id());
  }
}
