package dev.skillbus.store;

import static dev.skillbus.store.StoreAssertions.assertRefused;
import static dev.skillbus.store.StoreAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.protocol.ErrorCode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What every {@link ListStore} promises; the Redis store runs the same tests as the in-memory one. */
@ExtendWith(VertxExtension.class)
public abstract class ListStoreContractTest {

  protected static final int MAX_VALUE_BYTES = 1024;
  protected static final int MAX_ITEMS = 3;

  private ListStore store;
  private String agent;

  /** A fresh store with these limits. */
  protected abstract ListStore create(Vertx vertx, int maxValueBytes, int maxItemsPerOwner);

  @BeforeEach
  void setUp(Vertx vertx) {
    store = create(vertx, MAX_VALUE_BYTES, MAX_ITEMS);
    agent = "agent-" + UUID.randomUUID();
  }

  private Document add(String owner, String content) {
    return await(store.add("notes", owner, new JsonObject().put("agentId", owner).put("content", content)));
  }

  /** All of the owner's items of a kind, newest first. */
  private List<Document> listed(String kind, String owner) {
    return await(store.list(kind, owner, ListQuery.page(0, 100))).items();
  }

  @Test
  @DisplayName("added items get ids of their own and are listed by owner, newest first")
  void addAndList() {
    Document first = add(agent, "one");
    Document second = add(agent, "two");
    add("other-" + agent, "elsewhere");
    assertThat(first.id()).isNotEqualTo(second.id());
    assertThat(first.value().getString("id")).isEqualTo(first.id());
    assertThat(listed("notes", agent)).containsExactly(second, first);
    assertThat(listed("actions", agent)).as("another kind").isEmpty();
    assertThat(await(store.get("notes", second.id()))).isEqualTo(second);
  }

  @Test
  @DisplayName("update merges changes into an item found by its id alone, keeps its id and raises its version")
  void update() {
    Document item = add(agent, "one");
    Document updated = await(store.update("notes", item.id(), new JsonObject().put("status", "DONE").put("id", "forged")));
    assertThat(updated.version()).isEqualTo(2);
    assertThat(updated.value()).isEqualTo(item.value().copy().put("status", "DONE"));
    assertThat(listed("notes", agent)).containsExactly(updated);
    assertRefused(store.update("notes", UUID.randomUUID().toString(), new JsonObject()), ErrorCode.NOT_FOUND);
  }

  @Test
  @DisplayName("replace with a stale version is refused with 409; a missing item with 404")
  void replace() {
    Document item = add(agent, "one");
    await(store.replace("notes", item.id(), new JsonObject().put("content", "new"), 1));
    assertRefused(store.replace("notes", item.id(), new JsonObject().put("content", "stale"), 1), ErrorCode.CONFLICT);
    assertRefused(store.replace("notes", "no-such-item", new JsonObject(), 1), ErrorCode.NOT_FOUND);
    assertThat(await(store.get("notes", item.id())).value().getString("content")).isEqualTo("new");
  }

  @Test
  @DisplayName("remove answers the removed item, takes it out of its owner's list, and a second remove finds nothing")
  void remove() {
    Document first = add(agent, "one");
    Document second = add(agent, "two");
    assertThat(await(store.remove("notes", first.id(), null))).isEqualTo(first);
    assertThat(await(store.remove("notes", first.id(), null))).isNull();
    assertThat(await(store.get("notes", first.id()))).isNull();
    assertThat(listed("notes", agent)).containsExactly(second);
  }

  @Test
  @DisplayName("remove with a stale version is refused with 409 and removes nothing; with the current one it removes the item")
  void removeVersioned() {
    Document item = add(agent, "one");
    Document updated = await(store.replace("notes", item.id(), new JsonObject().put("content", "new"), 1));
    assertRefused(store.remove("notes", item.id(), 1L), ErrorCode.CONFLICT);
    assertThat(listed("notes", agent)).containsExactly(updated);
    assertThat(await(store.remove("notes", item.id(), 2L))).isEqualTo(updated);
    assertThat(listed("notes", agent)).isEmpty();
  }

  @Test
  @DisplayName("a removed item frees its place: an owner at the limit adds again, once per removed item")
  void removeFreesAPlace() {
    List<Document> full = new ArrayList<>();
    for (int i = 0; i < MAX_ITEMS; i++) {
      full.add(add(agent, "n" + i));
    }
    assertRefused(store.add("notes", agent, new JsonObject()), ErrorCode.TOO_LARGE);
    await(store.remove("notes", full.get(1).id(), full.get(1).version()));
    Document again = add(agent, "again");
    assertThat(listed("notes", agent)).containsExactly(again, full.get(2), full.get(0));
    assertRefused(store.add("notes", agent, new JsonObject()), ErrorCode.TOO_LARGE);
  }

  @Test
  @DisplayName("an owner's list is bounded: one item over the limit is refused with 413, others' lists are not")
  void ownerLimit() {
    for (int i = 0; i < MAX_ITEMS; i++) {
      add(agent, "n" + i);
    }
    assertRefused(store.add("notes", agent, new JsonObject()), ErrorCode.TOO_LARGE);
    assertThat(listed("notes", agent)).hasSize(MAX_ITEMS);
    add("other-" + agent, "fine");
  }

  @Test
  @DisplayName("owner and item ids that could break out of their key are refused with 400")
  void badKeys() {
    for (String bad : List.of("a:b", "*", "x y", "", "x".repeat(129))) {
      assertRefused(store.add("notes", bad, new JsonObject()), ErrorCode.BAD_REQUEST);
      assertRefused(store.list("notes", bad, ListQuery.page(0, 1)), ErrorCode.BAD_REQUEST);
      assertRefused(store.get("notes", bad), ErrorCode.BAD_REQUEST);
      assertRefused(store.update("notes", bad, new JsonObject()), ErrorCode.BAD_REQUEST);
      assertRefused(store.remove("notes", bad, null), ErrorCode.BAD_REQUEST);
    }
  }

  @Test
  @DisplayName("an item larger than the limit is refused with 413, when added or updated")
  void tooLarge() {
    JsonObject big = new JsonObject().put("content", "x".repeat(MAX_VALUE_BYTES));
    assertRefused(store.add("notes", agent, big), ErrorCode.TOO_LARGE);
    Document item = add(agent, "small");
    assertRefused(store.update("notes", item.id(), big), ErrorCode.TOO_LARGE);
    assertThat(listed("notes", agent)).containsExactly(item);
  }

  /** A store that holds {@code count} items for the agent, the i-th with {@code fields(i)} and {@code n: i}. */
  private List<Document> filled(Vertx vertx, int count, IntFunction<JsonObject> fields) {
    store = create(vertx, MAX_VALUE_BYTES, count);
    List<Document> added = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      added.add(await(store.add("notes", agent, fields.apply(i).put("n", i))));
    }
    return added;
  }

  /** The page the query selects, as the {@code n} of its items and its total: "6 5 4 of 7". */
  private String page(ListQuery query) {
    ListPage page = await(store.list("notes", agent, query));
    return page.items().stream().map(item -> item.value().getInteger("n") + " ").collect(Collectors.joining())
      + "of " + page.total();
  }

  private static JsonObject status(int i) {
    return new JsonObject().put("status", i % 2 == 0 ? "open" : "done");
  }

  @Test
  @DisplayName("a page holds the newest items after the offset, and the total counts them all, up to and past the end")
  void pages(Vertx vertx) {
    filled(vertx, 7, i -> new JsonObject());
    assertThat(page(ListQuery.page(0, 3))).isEqualTo("6 5 4 of 7");
    assertThat(page(ListQuery.page(3, 3))).isEqualTo("3 2 1 of 7");
    assertThat(page(ListQuery.page(6, 3))).isEqualTo("0 of 7");
    assertThat(page(ListQuery.page(7, 3))).isEqualTo("of 7");
    assertThat(page(ListQuery.page(Integer.MAX_VALUE, 3))).isEqualTo("of 7");
    assertThat(page(ListQuery.page(0, Integer.MAX_VALUE))).isEqualTo("6 5 4 3 2 1 0 of 7");
    assertThat(await(store.list("notes", "nobody-" + agent, ListQuery.page(0, 3)))).isEqualTo(new ListPage(List.of(), 0));
  }

  @Test
  @DisplayName("a filtered page holds the newest selected items after the offset; the total counts the selected ones")
  void filteredPages(Vertx vertx) {
    filled(vertx, 7, ListStoreContractTest::status);
    ListQuery open = ListQuery.page(0, 2).only("status", "open");
    assertThat(page(open)).isEqualTo("6 4 of 4");
    assertThat(page(new ListQuery(2, 2, open.only(), Map.of()))).isEqualTo("2 0 of 4");
    assertThat(page(new ListQuery(3, 2, open.only(), Map.of()))).isEqualTo("0 of 4");
    assertThat(page(new ListQuery(4, 2, open.only(), Map.of()))).isEqualTo("of 4");
    assertThat(page(ListQuery.page(1, 1).only("status", "done"))).isEqualTo("3 of 3");
    assertThat(page(ListQuery.page(0, 5).only("status", "cancelled"))).isEqualTo("of 0");
    assertThat(page(ListQuery.page(0, 5).only("status", "open").only("n", "6"))).as("n is a number, not a string")
      .isEqualTo("of 0");
  }

  @Test
  @DisplayName("except leaves out the items whose field is one of its values; items without the field, or with a number there, stay")
  void except(Vertx vertx) {
    filled(vertx, 8, i -> switch (i % 4) {
      case 0 -> status(i).put("sessionId", "secret");
      case 1 -> status(i).put("sessionId", "open-room");
      case 2 -> status(i).put("sessionId", 7);
      default -> status(i);
    });
    ListQuery hidden = ListQuery.page(0, 10).except("sessionId", Set.of("secret", "other-secret"));
    assertThat(page(hidden)).isEqualTo("7 6 5 3 2 1 of 6");
    assertThat(page(new ListQuery(3, 2, Map.of(), hidden.except()))).as("the offset counts only what is listed")
      .isEqualTo("3 2 of 6");
    assertThat(page(hidden.only("status", "open"))).isEqualTo("6 2 of 2");
    assertThat(page(hidden.except("sessionId", Set.of("open-room")))).isEqualTo("7 6 3 2 of 4");
    assertThat(page(ListQuery.page(0, 10).except("sessionId", Set.of()))).isEqualTo("7 6 5 4 3 2 1 0 of 8");
  }

  @Test
  @DisplayName("a filter follows changes: an item changed to another value is selected by it, in its place by age")
  void filterFollowsChanges(Vertx vertx) {
    List<Document> added = filled(vertx, 4, ListStoreContractTest::status);
    await(store.update("notes", added.get(2).id(), new JsonObject().put("status", "done")));
    await(store.update("notes", added.get(1).id(), new JsonObject().put("status", "open")));
    assertThat(page(ListQuery.page(0, 10).only("status", "done"))).isEqualTo("3 2 of 2");
    assertThat(page(ListQuery.page(0, 10).only("status", "open"))).isEqualTo("1 0 of 2");
    await(store.update("notes", added.get(0).id(), new JsonObject().putNull("status")));
    assertThat(page(ListQuery.page(0, 10).only("status", "open"))).isEqualTo("1 of 1");
    await(store.remove("notes", added.get(3).id(), null));
    assertThat(page(ListQuery.page(0, 10).only("status", "done"))).isEqualTo("2 of 1");
  }
}
