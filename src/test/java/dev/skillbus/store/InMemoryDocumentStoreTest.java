package dev.skillbus.store;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.DisplayName;

@DisplayName("InMemoryDocumentStore keeps the document store contract")
class InMemoryDocumentStoreTest extends DocumentStoreContractTest {

  @Override
  protected DocumentStore create(Vertx vertx, int maxValueBytes) {
    return new InMemoryDocumentStore(maxValueBytes);
  }
}
