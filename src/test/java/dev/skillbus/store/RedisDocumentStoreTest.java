package dev.skillbus.store;

import dev.skillbus.testing.TestRedis;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("RedisDocumentStore keeps the document store contract")
class RedisDocumentStoreTest extends DocumentStoreContractTest {

  @RegisterExtension
  static final TestRedis REDIS = new TestRedis(6002);

  @Override
  protected DocumentStore create(Vertx vertx, int maxValueBytes) {
    return new RedisDocumentStore(REDIS.link(vertx), maxValueBytes);
  }
}
