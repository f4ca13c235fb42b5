package dev.skillbus.store;

import static dev.skillbus.store.StoreAssertions.assertRefused;
import static dev.skillbus.store.StoreAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.testing.Eventually;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What every {@link InboxStore} promises; the Redis store runs the same tests as the in-memory one. */
@ExtendWith(VertxExtension.class)
public abstract class InboxStoreContractTest {

  protected static final int MAX_VALUE_BYTES = 1024;
  protected static final int MAX_PER_USER = 3;
  protected static final long TTL_SECONDS = 60;
  protected static final int MAX_USERS = 3;

  protected final MutableClock clock = new MutableClock();
  protected InboxStore store;
  protected String user;

  /** A fresh, empty store with these limits, ageing on {@code clock} where it can. */
  protected abstract InboxStore create(Vertx vertx, int maxValueBytes, int maxPerUser, long ttlSeconds, int maxUsers,
                                       Clock clock);

  @BeforeEach
  void setUp(Vertx vertx) {
    store = create(vertx, MAX_VALUE_BYTES, MAX_PER_USER, TTL_SECONDS, MAX_USERS, clock);
    user = "user-" + UUID.randomUUID();
  }

  protected static JsonObject note(int n) {
    return new JsonObject().put("type", "info").put("message", "n" + n);
  }

  @Test
  @DisplayName("take returns the queued messages oldest first and empties the inbox")
  void takeEmpties() {
    await(store.push(user, note(1)));
    await(store.push(user, note(2)));
    await(store.push("other-" + user, note(9)));
    assertThat(await(store.take(user))).containsExactly(note(1), note(2));
    assertThat(await(store.take(user))).isEmpty();
    assertThat(await(store.take("other-" + user))).containsExactly(note(9));
  }

  @Test
  @DisplayName("an inbox keeps the newest messages up to its limit")
  void bounded() {
    for (int i = 1; i <= MAX_PER_USER + 2; i++) {
      await(store.push(user, note(i)));
    }
    assertThat(await(store.take(user))).containsExactly(note(3), note(4), note(5));
  }

  @Test
  @DisplayName("a user id that could break out of its key is refused with 400, a message over the limit with 413")
  void badInput() {
    for (String bad : List.of("a:b", "*", "x y", "", "x".repeat(129))) {
      assertRefused(store.push(bad, note(1)), ErrorCode.BAD_REQUEST);
      assertRefused(store.take(bad), ErrorCode.BAD_REQUEST);
    }
    assertRefused(store.push(user, new JsonObject().put("message", "x".repeat(MAX_VALUE_BYTES))), ErrorCode.TOO_LARGE);
    assertThat(await(store.take(user))).isEmpty();
  }

  /** Gives {@code MAX_USERS} users an inbox each; answers their ids. */
  private List<String> fillToTheLimit() {
    List<String> users = IntStream.range(0, MAX_USERS).mapToObj(i -> user + "-" + i).toList();
    for (String u : users) {
      await(store.push(u, note(1)));
    }
    return users;
  }

  @Test
  @DisplayName("with the most inboxes there may be, a message for a user without one is refused with 413 and nothing is stored")
  void refusesANewInboxAtTheLimit() {
    List<String> users = fillToTheLimit();
    assertRefused(store.push(user, note(2)), ErrorCode.TOO_LARGE);
    assertThat(await(store.take(user))).isEmpty();
    for (String u : users) {
      assertThat(await(store.take(u))).containsExactly(note(1));
    }
  }

  @Test
  @DisplayName("with the most inboxes there may be, an existing inbox still takes messages, dropping its oldest")
  void existingInboxTakesMessagesAtTheLimit() {
    String existing = fillToTheLimit().get(0);
    assertRefused(store.push(user, note(1)), ErrorCode.TOO_LARGE);
    for (int i = 2; i <= MAX_PER_USER + 1; i++) {
      await(store.push(existing, note(i)));
    }
    assertThat(await(store.take(existing))).containsExactly(note(2), note(3), note(4));
  }

  @Test
  @DisplayName("an inbox that was taken no longer counts: a new user's message is then stored")
  void takenInboxFreesItsPlace() {
    String taken = fillToTheLimit().get(1);
    assertRefused(store.push(user, note(1)), ErrorCode.TOO_LARGE);
    assertThat(await(store.take(taken))).containsExactly(note(1));
    await(store.push(user, note(2)));
    assertThat(await(store.take(user))).containsExactly(note(2));
  }

  @Test
  @DisplayName("messages taken and put back are stored even when the inbox's place was taken meanwhile")
  void putBackIsNeverRefused() {
    String taken = fillToTheLimit().get(2);
    List<JsonObject> messages = await(store.take(taken));
    await(store.push(user, note(5)));
    assertRefused(store.push("late-" + user, note(6)), ErrorCode.TOO_LARGE);
    for (JsonObject message : messages) {
      await(store.putBack(taken, message));
    }
    assertThat(await(store.take(taken))).containsExactly(note(1));
  }

  @Test
  @DisplayName("expired inboxes no longer count: once they are gone, a new user's message is stored")
  void expiredInboxesFreeTheirPlaces(Vertx vertx) {
    // Redis expires in real time: long enough that filling up and the refusal happen before it.
    store = create(vertx, MAX_VALUE_BYTES, MAX_PER_USER, 3, MAX_USERS, clock);
    fillToTheLimit();
    assertRefused(store.push(user, note(1)), ErrorCode.TOO_LARGE);
    clock.advance(Duration.ofSeconds(4));
    await(Eventually.holds(vertx, 100, 10_000, () -> store.push(user, note(2)).map(v -> true)));
    assertThat(await(store.take(user))).containsExactly(note(2));
  }
}
