package dev.skillbus.store;

import dev.skillbus.testing.TestRedis;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("RedisListStore keeps the list store contract")
class RedisListStoreTest extends ListStoreContractTest {

  @RegisterExtension
  static final TestRedis REDIS = new TestRedis(6003);

  @Override
  protected ListStore create(Vertx vertx, int maxValueBytes, int maxItemsPerOwner) {
    return new RedisListStore(REDIS.link(vertx), maxValueBytes, maxItemsPerOwner);
  }
}
