package dev.skillbus.store;

import static dev.skillbus.store.StoreAssertions.assertRefused;
import static dev.skillbus.store.StoreAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.store.InboxStore.Taken;
import dev.skillbus.testing.Eventually;
import dev.skillbus.testing.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.util.List;
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

  private String key(String userId, String suffix) {
    return prefix + "inbox:" + userId + suffix;
  }

  /** Waits for the lease to end on Redis's clock, which is the one its leases run on. */
  @Override
  protected void leaseRunsOut(Vertx vertx, String userId) {
    await(Eventually.holds(vertx, 20, 10_000, () -> REDIS.timeHasCome(vertx, key(userId, ":lease"), "ends")));
  }

  @Test
  @DisplayName("an inbox in Redis, and its batch out, expire their time to live after the last message")
  void expires(Vertx vertx) {
    await(store.push(user, note(1)));
    await(store.push(user, note(2)));
    await(store.take(user, 1, 60_000));
    for (String suffix : List.of("", ":inflight", ":lease")) {
      long ttl = command(vertx, Request.cmd(Command.TTL).arg(key(user, suffix))).toLong();
      assertThat(ttl).as(suffix).isPositive().isLessThanOrEqualTo(TTL_SECONDS);
    }
  }

  @Test
  @DisplayName("the index of inboxes holds a user while their inbox or its batch out exists, and expires with the last inbox")
  void indexFollowsTheInboxes(Vertx vertx) {
    await(store.push(user, note(1)));
    assertThat(command(vertx, Request.cmd(Command.ZSCORE).arg(prefix + "inboxes").arg(user))).isNotNull();
    long ttl = command(vertx, Request.cmd(Command.TTL).arg(prefix + "inboxes")).toLong();
    assertThat(ttl).isPositive().isLessThanOrEqualTo(TTL_SECONDS);
    Taken taken = await(store.take(user, 10, LEASE_MS));
    assertThat(command(vertx, Request.cmd(Command.ZSCORE).arg(prefix + "inboxes").arg(user))).isNotNull();
    await(store.ack(user, taken.lease(), 1));
    assertThat(command(vertx, Request.cmd(Command.ZSCORE).arg(prefix + "inboxes").arg(user))).isNull();
    for (String suffix : List.of("", ":inflight")) {
      assertThat(command(vertx, Request.cmd(Command.EXISTS).arg(key(user, suffix))).toInteger()).as(suffix).isZero();
    }
    // The lease only remembers, for a while, that its token was acknowledged.
    Response lease = command(vertx, Request.cmd(Command.HGETALL).arg(key(user, ":lease")));
    assertThat(lease.getKeys()).containsExactly("acked");
    assertThat(lease.get("acked").toString()).isEqualTo(taken.lease());
    assertThat(command(vertx, Request.cmd(Command.PTTL).arg(key(user, ":lease"))).toLong())
      .isPositive().isLessThanOrEqualTo(RedisInbox.ACKED_KEPT_MS);
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

  @Test
  @DisplayName("an inbox that Redis evicted gives up its place: with the index full, a new user's message is stored, and the others are kept")
  void evictedInboxFreesItsPlace(Vertx vertx) {
    List<String> users = fillToTheLimit();
    assertRefused(store.push(user, note(1)), ErrorCode.TOO_LARGE);
    // What an evicting maxmemory-policy does: the key goes, nothing else changes.
    command(vertx, Request.cmd(Command.DEL).arg(key(users.get(1), "")));

    await(store.push(user, note(2)));
    assertThat(deliverAll(user)).containsExactly(note(2));
    assertThat(deliverAll(users.get(0))).containsExactly(note(1));
    assertThat(deliverAll(users.get(2))).containsExactly(note(1));
  }

  @Test
  @DisplayName("a take that Redis runs after the node gave up on it (its reply lost) loses nothing: the batch comes again once its lease ran out")
  void takeWhoseReplyIsLost(Vertx vertx) {
    for (int i = 1; i <= 3; i++) {
      await(store.push(user, note(i)));
    }
    RedisLink impatient = new RedisLink(vertx, new RedisSettings(REDIS.url(), prefix, 200, 1000, 1000, 4));
    await(impatient.start());
    InboxStore slow = new RedisInbox(impatient, MAX_VALUE_BYTES, MAX_PER_USER, TTL_SECONDS, MAX_USERS);
    // A take of nothing first, so that Redis knows the script; then scripts wait (a write pause)
    // while reads such as the link's pings go on: the take times out, then runs.
    assertThat(await(slow.take("other-" + user, 2, LEASE_MS))).isEqualTo(Taken.NONE);
    command(vertx, Request.cmd(Command.CLIENT).arg("PAUSE").arg(1000).arg("WRITE"));
    assertRefused(slow.take(user, 2, LEASE_MS), ErrorCode.UNAVAILABLE);
    await(Eventually.holds(vertx, 20, 10_000, () -> REDIS.command(vertx, REDIS.url(),
      Request.cmd(Command.EXISTS).arg(key(user, ":inflight"))).map(r -> r.toInteger() == 1)));
    assertThat(await(store.take(user, 2, LEASE_MS)).held()).isTrue();

    leaseRunsOut(vertx, user);
    assertThat(deliverAll(user)).containsExactly(note(1), note(2), note(3));
    await(impatient.close());
  }
}
