package dev.skillbus.store;

import static dev.skillbus.store.StoreAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("InMemoryDocumentStore keeps the document store contract")
class InMemoryDocumentStoreTest extends DocumentStoreContractTest {

  @Override
  protected DocumentStore create(Vertx vertx, int maxValueBytes) {
    return new InMemoryDocumentStore(maxValueBytes);
  }

  @Test
  @DisplayName("drops expired documents as it is used, so memory follows the documents alive")
  void dropsExpiredDocuments() {
    MutableClock clock = new MutableClock();
    InMemoryDocumentStore store = new InMemoryDocumentStore(1024, clock);
    for (int i = 0; i < 100; i++) {
      await(store.put("status", "s" + i, new JsonObject().put("i", i), null, Duration.ofMinutes(60)));
      await(store.put("status", "s" + i, new JsonObject().put("i", i), null, Duration.ofMinutes(60)));
    }
    await(store.put("course", "kept", new JsonObject(), null));
    clock.advance(Duration.ofMinutes(59));
    assertThat(await(store.get("status", "s7"))).isNotNull();
    clock.advance(Duration.ofMinutes(2));
    assertThat(await(store.get("course", "kept"))).isNotNull();
    assertThat(store.size()).isEqualTo(1);
  }
}
