package dev.skillbus.store;

import static dev.skillbus.store.StoreAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

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
    return new InMemoryInbox(maxValueBytes, maxPerUser, ttlSeconds, maxUsers, clock);
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
}
