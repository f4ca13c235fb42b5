package dev.skillbus.store;

import static dev.skillbus.store.StoreAssertions.assertRefused;
import static dev.skillbus.store.StoreAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import dev.skillbus.testing.Eventually;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What every {@link DocumentStore} promises; the Redis store runs the same tests as the in-memory one. */
@ExtendWith(VertxExtension.class)
public abstract class DocumentStoreContractTest {

  protected static final int MAX_VALUE_BYTES = 1024;

  private DocumentStore store;
  private String id;
  private Vertx vertx;

  /** A fresh store refusing values larger than {@code maxValueBytes}. */
  protected abstract DocumentStore create(Vertx vertx, int maxValueBytes);

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    store = create(vertx, MAX_VALUE_BYTES);
    id = "doc-" + UUID.randomUUID();
  }

  @Test
  @DisplayName("a document put is read back with version 1, and each put raises the version by one")
  void putAndGet() {
    Document first = await(store.put("session", id, new JsonObject().put("a", 1), null));
    Document second = await(store.put("session", id, new JsonObject().put("b", 2), null));
    Document read = await(store.get("session", id));
    assertThat(first.version()).isEqualTo(1);
    assertThat(second.version()).isEqualTo(2);
    assertThat(read).isEqualTo(new Document(id, 2, new JsonObject().put("b", 2)));
    assertThat(await(store.get("session", "missing-" + id))).isNull();
    assertThat(await(store.get("course", id))).as("another kind, same id").isNull();
  }

  @Test
  @DisplayName("a put with a stale expectedVersion is refused with 409 and changes nothing; 0 means 'must not exist'")
  void compareAndSet() {
    assertThat(await(store.put("session", id, new JsonObject().put("n", 1), 0L)).version()).isEqualTo(1);
    assertRefused(store.put("session", id, new JsonObject().put("n", 2), 0L), ErrorCode.CONFLICT);
    assertRefused(store.put("session", id, new JsonObject().put("n", 2), 7L), ErrorCode.CONFLICT);
    assertThat(await(store.put("session", id, new JsonObject().put("n", 3), 1L)).version()).isEqualTo(2);
    assertThat(await(store.get("session", id)).value()).isEqualTo(new JsonObject().put("n", 3));
  }

  @Test
  @DisplayName("merge keeps the fields it does not name, and checks expectedVersion when given")
  void merge() {
    await(store.merge("session", id, new JsonObject().put("notes", "a").put("score", 3), null));
    Document merged = await(store.merge("session", id, new JsonObject().put("score", 4), 1L));
    assertThat(merged.version()).isEqualTo(2);
    assertThat(merged.value()).isEqualTo(new JsonObject().put("notes", "a").put("score", 4));
    assertRefused(store.merge("session", id, new JsonObject().put("score", 5), 1L), ErrorCode.CONFLICT);
    assertThat(await(store.get("session", id))).isEqualTo(merged);
  }

  @Test
  @DisplayName("concurrent merges of different fields all land")
  void concurrentMerges() {
    List<Future<Document>> merges = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      merges.add(store.merge("session", id, new JsonObject().put("f" + i, i), null));
    }
    await(Future.all(merges));
    Document doc = await(store.get("session", id));
    assertThat(doc.version()).isEqualTo(20);
    assertThat(doc.value().fieldNames()).hasSize(20);
  }

  @Test
  @DisplayName("delete removes a document and says whether there was one")
  void delete() {
    await(store.put("session", id, new JsonObject(), null));
    assertThat(await(store.delete("session", id))).isTrue();
    assertThat(await(store.get("session", id))).isNull();
    assertThat(await(store.delete("session", id))).isFalse();
  }

  @Test
  @DisplayName("ids and kinds that could break out of their key are refused with 400")
  void badKeys() {
    for (String bad : List.of("a:b", "room*", "x y", "{tag}", "", "x".repeat(129))) {
      assertRefused(store.put("session", bad, new JsonObject(), null), ErrorCode.BAD_REQUEST);
      assertRefused(store.get("session", bad), ErrorCode.BAD_REQUEST);
    }
    assertRefused(store.put("session:x", id, new JsonObject(), null), ErrorCode.BAD_REQUEST);
    assertRefused(store.merge("session", "a:b", new JsonObject(), null), ErrorCode.BAD_REQUEST);
  }

  @Test
  @DisplayName("a value larger than the limit is refused with 413 and nothing is stored")
  void tooLarge() {
    JsonObject big = new JsonObject().put("text", "x".repeat(MAX_VALUE_BYTES));
    assertRefused(store.put("session", id, big, null), ErrorCode.TOO_LARGE);
    assertRefused(store.merge("session", id, big, null), ErrorCode.TOO_LARGE);
    assertThat(await(store.get("session", id))).isNull();
  }

  @Test
  @DisplayName("a document written with a ttl is gone once it passed, and written again as new")
  void expires() {
    await(store.put("status", id, new JsonObject().put("n", 1), null, Duration.ofMillis(300)));
    assertThat(await(store.get("status", id))).isNotNull();
    await(Eventually.holds(vertx, 50, 5000, () -> store.get("status", id).map(doc -> doc == null)));
    assertThat(await(store.put("status", id, new JsonObject().put("n", 2), 0L)).version()).isEqualTo(1);
  }

  @Test
  @DisplayName("a write without a ttl keeps the expiry, a write with one sets it anew")
  void writesKeepOrResetExpiry() {
    String kept = id + "-kept";
    await(store.put("status", kept, new JsonObject().put("n", 1), null, Duration.ofMillis(300)));
    await(store.merge("status", kept, new JsonObject().put("m", 2), null));
    await(store.put("status", id, new JsonObject(), null, Duration.ofMillis(300)));
    await(store.put("status", id, new JsonObject(), null, Duration.ofHours(1)));
    await(Eventually.holds(vertx, 50, 5000, () -> store.get("status", kept).map(doc -> doc == null)));
    assertThat(await(store.get("status", id))).as("ttl set anew").isNotNull();
  }
}
