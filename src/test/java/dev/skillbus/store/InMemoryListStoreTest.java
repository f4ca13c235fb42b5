package dev.skillbus.store;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.DisplayName;

@DisplayName("InMemoryListStore keeps the list store contract")
class InMemoryListStoreTest extends ListStoreContractTest {

  @Override
  protected ListStore create(Vertx vertx, int maxValueBytes, int maxItemsPerOwner) {
    return new InMemoryListStore(maxValueBytes, maxItemsPerOwner);
  }
}
