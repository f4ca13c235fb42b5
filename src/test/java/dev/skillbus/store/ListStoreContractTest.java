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
import java.util.UUID;
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

  @Test
  @DisplayName("added items get ids of their own and are listed by owner, oldest first")
  void addAndList() {
    Document first = add(agent, "one");
    Document second = add(agent, "two");
    add("other-" + agent, "elsewhere");
    assertThat(first.id()).isNotEqualTo(second.id());
    assertThat(first.value().getString("id")).isEqualTo(first.id());
    assertThat(await(store.list("notes", agent))).containsExactly(first, second);
    assertThat(await(store.list("actions", agent))).as("another kind").isEmpty();
    assertThat(await(store.get("notes", second.id()))).isEqualTo(second);
  }

  @Test
  @DisplayName("update merges changes into an item found by its id alone, keeps its id and raises its version")
  void update() {
    Document item = add(agent, "one");
    Document updated = await(store.update("notes", item.id(), new JsonObject().put("status", "DONE").put("id", "forged")));
    assertThat(updated.version()).isEqualTo(2);
    assertThat(updated.value()).isEqualTo(item.value().copy().put("status", "DONE"));
    assertThat(await(store.list("notes", agent))).containsExactly(updated);
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
    assertThat(await(store.list("notes", agent))).containsExactly(second);
  }

  @Test
  @DisplayName("remove with a stale version is refused with 409 and removes nothing; with the current one it removes the item")
  void removeVersioned() {
    Document item = add(agent, "one");
    Document updated = await(store.replace("notes", item.id(), new JsonObject().put("content", "new"), 1));
    assertRefused(store.remove("notes", item.id(), 1L), ErrorCode.CONFLICT);
    assertThat(await(store.list("notes", agent))).containsExactly(updated);
    assertThat(await(store.remove("notes", item.id(), 2L))).isEqualTo(updated);
    assertThat(await(store.list("notes", agent))).isEmpty();
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
    assertThat(await(store.list("notes", agent))).containsExactly(full.get(0), full.get(2), again);
    assertRefused(store.add("notes", agent, new JsonObject()), ErrorCode.TOO_LARGE);
  }

  @Test
  @DisplayName("an owner's list is bounded: one item over the limit is refused with 413, others' lists are not")
  void ownerLimit() {
    for (int i = 0; i < MAX_ITEMS; i++) {
      add(agent, "n" + i);
    }
    assertRefused(store.add("notes", agent, new JsonObject()), ErrorCode.TOO_LARGE);
    assertThat(await(store.list("notes", agent))).hasSize(MAX_ITEMS);
    add("other-" + agent, "fine");
  }

  @Test
  @DisplayName("owner and item ids that could break out of their key are refused with 400")
  void badKeys() {
    for (String bad : List.of("a:b", "*", "x y", "", "x".repeat(129))) {
      assertRefused(store.add("notes", bad, new JsonObject()), ErrorCode.BAD_REQUEST);
      assertRefused(store.list("notes", bad), ErrorCode.BAD_REQUEST);
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
    assertThat(await(store.list("notes", agent))).containsExactly(item);
  }
}
