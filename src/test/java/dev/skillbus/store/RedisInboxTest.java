package dev.skillbus.store;

import static dev.skillbus.store.StoreAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.testing.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Clock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("RedisInbox keeps the inbox contract")
class RedisInboxTest extends InboxStoreContractTest {

  @RegisterExtension
  static final TestRedis REDIS = new TestRedis(6004);

  @Override
  protected InboxStore create(Vertx vertx, int maxValueBytes, int maxPerUser, long ttlSeconds, Clock clock) {
    return new RedisInbox(REDIS.link(vertx), maxValueBytes, maxPerUser, ttlSeconds);
  }

  @Test
  @DisplayName("an inbox in Redis expires its time to live after its last message")
  void expires(Vertx vertx) {
    await(store.push(user, note(1)));
    long ttl = await(REDIS.command(vertx, REDIS.url(), Request.cmd(Command.TTL).arg("test:inbox:" + user))).toLong();
    assertThat(ttl).isPositive().isLessThanOrEqualTo(TTL_SECONDS);
  }
}
