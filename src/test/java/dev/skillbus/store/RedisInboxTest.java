package dev.skillbus.store;

import static dev.skillbus.store.StoreAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.testing.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("RedisInbox keeps the inbox contract")
class RedisInboxTest extends InboxStoreContractTest {

  @RegisterExtension
  static final TestRedis REDIS = new TestRedis(6004);

  /** Each store its own keys, so that it starts without inboxes: the index of inboxes is one key for all. */
  private String prefix;

  @Override
  protected InboxStore create(Vertx vertx, int maxValueBytes, int maxPerUser, long ttlSeconds, int maxUsers,
                              Clock clock) {
    prefix = "test-" + UUID.randomUUID() + ":";
    return new RedisInbox(REDIS.link(vertx, prefix), maxValueBytes, maxPerUser, ttlSeconds, maxUsers);
  }

  private Response command(Vertx vertx, Request request) {
    return await(REDIS.command(vertx, REDIS.url(), request));
  }

  @Test
  @DisplayName("an inbox in Redis expires its time to live after its last message")
  void expires(Vertx vertx) {
    await(store.push(user, note(1)));
    long ttl = command(vertx, Request.cmd(Command.TTL).arg(prefix + "inbox:" + user)).toLong();
    assertThat(ttl).isPositive().isLessThanOrEqualTo(TTL_SECONDS);
  }

  @Test
  @DisplayName("the index of inboxes holds a user while their inbox exists, and expires with the last inbox")
  void indexFollowsTheInboxes(Vertx vertx) {
    await(store.push(user, note(1)));
    assertThat(command(vertx, Request.cmd(Command.ZSCORE).arg(prefix + "inboxes").arg(user))).isNotNull();
    long ttl = command(vertx, Request.cmd(Command.TTL).arg(prefix + "inboxes")).toLong();
    assertThat(ttl).isPositive().isLessThanOrEqualTo(TTL_SECONDS);
    await(store.take(user));
    assertThat(command(vertx, Request.cmd(Command.ZSCORE).arg(prefix + "inboxes").arg(user))).isNull();
  }

  @Test
  @DisplayName("the index outlives every inbox, also when a node with a shorter time to live queues last")
  void indexOutlivesTheLongestInbox(Vertx vertx) {
    await(store.push(user, note(1)));
    InboxStore shortLived = new RedisInbox(REDIS.link(vertx, prefix), MAX_VALUE_BYTES, MAX_PER_USER, 5, MAX_USERS);
    await(shortLived.push("other-" + user, note(2)));
    long ttl = command(vertx, Request.cmd(Command.TTL).arg(prefix + "inboxes")).toLong();
    assertThat(ttl).isGreaterThan(5).isLessThanOrEqualTo(TTL_SECONDS);
  }
}
