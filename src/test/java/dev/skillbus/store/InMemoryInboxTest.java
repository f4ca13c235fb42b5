package dev.skillbus.store;

import static dev.skillbus.store.StoreAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import static dev.skillbus.store.StoreAssertions.assertRefused;

import dev.skillbus.protocol.ErrorCode;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("InMemoryInbox keeps the inbox contract")
class InMemoryInboxTest extends InboxStoreContractTest {

  @Override
  protected InboxStore create(Vertx vertx, int maxValueBytes, int maxPerUser, long ttlSeconds, int maxUsers,
                              Clock clock) {
    return new InMemoryInbox(maxValueBytes, maxPerUser, ttlSeconds, maxUsers, Long.MAX_VALUE, clock);
  }

  @Test
  @DisplayName("an inbox expires its time to live after its last message, its batch out with it")
  void expires() {
    await(store.push(user, note(1)));
    clock.advance(Duration.ofSeconds(TTL_SECONDS - 1));
    await(store.push(user, note(2)));
    clock.advance(Duration.ofSeconds(TTL_SECONDS - 1));
    await(store.push("other-" + user, note(3)));
    assertThat(deliverAll(user)).containsExactly(note(1), note(2));
    await(store.push(user, note(4)));
    await(store.push(user, note(5)));
    await(store.take(user, 1, LEASE_MS));
    clock.advance(Duration.ofSeconds(TTL_SECONDS));
    assertThat(deliverAll(user)).isEmpty();
  }

  @Test
  @DisplayName("bounds what all inboxes hold in bytes: past it a notification is refused with 413; what is delivered or expires frees its place")
  void boundsMemory() {
    long size = note(1).toBuffer().length();
    InboxStore small = new InMemoryInbox(MAX_VALUE_BYTES, MAX_PER_USER, TTL_SECONDS, MAX_USERS, 3 * size, clock);
    await(small.push("ann", note(1)));
    await(small.push("bob", note(2)));
    await(small.push("bob", note(3)));
    assertRefused(small.push("cat", note(4)), ErrorCode.TOO_LARGE);
    assertRefused(small.push("ann", note(5)), ErrorCode.TOO_LARGE);
    InboxStore.Taken taken = await(small.take("ann", MAX_PER_USER, LEASE_MS));
    assertThat(taken.messages()).containsExactly(note(1));
    // In flight, Ann's note still takes its place until it is acknowledged.
    assertRefused(small.push("cat", note(6)), ErrorCode.TOO_LARGE);
    assertThat(await(small.ack("ann", taken.lease(), 1))).isTrue();
    await(small.push("cat", note(6)));
    assertRefused(small.push("dan", note(7)), ErrorCode.TOO_LARGE);
    clock.advance(Duration.ofSeconds(TTL_SECONDS));
    for (String user : new String[] {"dan", "eve", "fay"}) {
      await(small.push(user, note(7)));
    }
    assertRefused(small.push("gus", note(8)), ErrorCode.TOO_LARGE);
  }
}
