package dev.skillbus.store;

import static dev.skillbus.store.StoreAssertions.assertRefused;
import static dev.skillbus.store.StoreAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.store.InboxStore.Behind;
import dev.skillbus.store.InboxStore.Taken;
import dev.skillbus.testing.Eventually;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
  /** Long enough that a test's next step comes before it ends; Redis's leases end in real time. */
  protected static final long LEASE_MS = 500;
  private static final int ALL = 100;
  private static final long HELD_LONG_MS = 60_000;

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

  /** Takes and acknowledges batches until there are none: everything the user has queued, oldest first. */
  protected List<JsonObject> deliverAll(String userId) {
    List<JsonObject> delivered = new ArrayList<>();
    for (Taken taken = await(store.take(userId, ALL, LEASE_MS)); !taken.messages().isEmpty();
         taken = await(store.take(userId, ALL, LEASE_MS))) {
      assertThat(await(store.ack(userId, taken.lease(), taken.messages().size()))).isTrue();
      delivered.addAll(taken.messages());
    }
    return delivered;
  }

  /** Returns once the user's lease ran out: on the test's clock here; the Redis test waits for Redis's. */
  protected void leaseRunsOut(Vertx vertx, String userId) {
    clock.advance(Duration.ofMillis(LEASE_MS + 1));
  }

  @Test
  @DisplayName("take hands out the oldest messages a batch at a time; acknowledged, they are gone and the next batch follows")
  void takeInBatches() {
    for (int i = 1; i <= 3; i++) {
      await(store.push(user, note(i)));
    }
    await(store.push("other-" + user, note(9)));
    Taken first = await(store.take(user, 2, LEASE_MS));
    assertThat(first.messages()).containsExactly(note(1), note(2));
    assertThat(await(store.ack(user, first.lease(), 2))).isTrue();
    Taken second = await(store.take(user, 2, LEASE_MS));
    assertThat(second.messages()).containsExactly(note(3));
    assertThat(await(store.ack(user, second.lease(), 1))).isTrue();
    assertThat(await(store.take(user, 2, LEASE_MS))).isEqualTo(Taken.NONE);
    assertThat(deliverAll("other-" + user)).containsExactly(note(9));
  }

  @Test
  @DisplayName("while a batch is out, a take gets nothing, not even what was queued since, and is told for how long the batch is held; an ack ends that")
  void oneBatchAtATime() {
    await(store.push(user, note(1)));
    Taken taken = await(store.take(user, ALL, LEASE_MS));
    await(store.push(user, note(2)));
    Taken held = await(store.take(user, ALL, LEASE_MS));
    assertThat(held.messages()).isEmpty();
    assertThat(held.held()).as("told apart from an empty inbox").isTrue();
    assertThat(held.heldForMillis()).isBetween(1L, LEASE_MS);
    assertThat(await(store.ack(user, taken.lease(), 1))).isTrue();
    assertThat(deliverAll(user)).containsExactly(note(2));
  }

  @Test
  @DisplayName("the messages of a batch not delivered go back to the head of the inbox, before those queued meanwhile")
  void undeliveredGoBackFirst() {
    for (int i = 1; i <= 3; i++) {
      await(store.push(user, note(i)));
    }
    Taken taken = await(store.take(user, 2, LEASE_MS));
    await(store.push(user, note(4)));
    assertThat(await(store.ack(user, taken.lease(), 1))).isTrue();
    assertThat(deliverAll(user)).containsExactly(note(2), note(3), note(4));
  }

  @Test
  @DisplayName("a message queued behind the inbox is stored only while the inbox holds messages, queued or in a batch out, and below its limit, and comes after them")
  void pushBehindWhatTheInboxHolds() {
    assertThat(await(store.pushBehind(user, note(1)))).isEqualTo(Behind.NO_INBOX);
    assertThat(deliverAll(user)).isEmpty();
    await(store.push(user, note(1)));
    assertThat(await(store.pushBehind(user, note(2)))).isEqualTo(Behind.QUEUED);
    Taken taken = await(store.take(user, 2, LEASE_MS));
    assertThat(await(store.pushBehind(user, note(3)))).as("behind a batch out").isEqualTo(Behind.QUEUED);
    assertThat(await(store.ack(user, taken.lease(), 2))).isTrue();
    assertThat(deliverAll(user)).containsExactly(note(3));
    assertThat(await(store.pushBehind(user, note(4)))).as("delivered: nothing to queue behind").isEqualTo(Behind.NO_INBOX);
    assertThat(deliverAll(user)).isEmpty();
  }

  @Test
  @DisplayName("a message queued behind an inbox that holds its most messages, queued or in a batch out, is not stored: none of them is dropped for it")
  void pushBehindAFullInbox() {
    for (int i = 1; i <= MAX_PER_USER; i++) {
      await(store.push(user, note(i)));
    }
    assertThat(await(store.pushBehind(user, note(9)))).isEqualTo(Behind.FULL);
    Taken taken = await(store.take(user, 2, LEASE_MS));
    assertThat(await(store.pushBehind(user, note(9)))).as("two in a batch out, one queued").isEqualTo(Behind.FULL);
    assertThat(await(store.ack(user, taken.lease(), 0))).isTrue();
    assertThat(deliverAll(user)).containsExactly(note(1), note(2), note(3));
  }

  @Test
  @DisplayName("a batch whose taker never answers (its reply was lost, its node died) is handed out again once the lease ran out; the late ack changes nothing")
  void lostTakeIsHandedOutAgain(Vertx vertx) {
    await(store.push(user, note(1)));
    await(store.push(user, note(2)));
    Taken lost = await(store.take(user, ALL, LEASE_MS));
    await(store.push(user, note(3)));
    assertThat(await(store.take(user, ALL, LEASE_MS)).held()).isTrue();

    leaseRunsOut(vertx, user);
    Taken again = await(store.take(user, ALL, LEASE_MS));
    assertThat(again.messages()).isEqualTo(lost.messages()).containsExactly(note(1), note(2));
    assertThat(await(store.ack(user, lost.lease(), 2))).isFalse();
    assertThat(await(store.ack(user, again.lease(), 2))).isTrue();
    assertThat(deliverAll(user)).containsExactly(note(3));
  }

  @Test
  @DisplayName("a take sent again under its lease (its reply was lost) gets that batch again, not what was queued since; other takes are still held")
  void takeSentAgainGetsItsBatch(Vertx vertx) {
    await(store.push(user, note(1)));
    await(store.push(user, note(2)));
    Taken lost = await(store.take(user, 1, LEASE_MS, "lease-1"));
    await(store.push(user, note(3)));
    Taken again = await(store.take(user, 1, LEASE_MS, "lease-1"));
    assertThat(again).isEqualTo(new Taken("lease-1", List.of(note(1)))).isEqualTo(lost);
    assertThat(await(store.take(user, ALL, LEASE_MS, "lease-2")).held()).isTrue();

    assertThat(await(store.ack(user, "lease-1", 1))).isTrue();
    assertThat(deliverAll(user)).containsExactly(note(2), note(3));
  }

  @Test
  @DisplayName("an ack naming the taker's next lease holds the inbox for it: another taker is held, that lease takes the next batch; with nothing left, nothing is held")
  void ackHoldsForTheNextLease() {
    for (int i = 1; i <= 3; i++) {
      await(store.push(user, note(i)));
    }
    await(store.take(user, 1, LEASE_MS, "lease-1"));
    // Held far longer than the test runs, so that the take of another finds it however slow the machine.
    assertThat(await(store.ack(user, "lease-1", 1, "lease-2", HELD_LONG_MS))).isTrue();
    assertThat(await(store.take(user, ALL, LEASE_MS, "other")).held()).isTrue();
    assertThat(await(store.take(user, 1, LEASE_MS, "lease-2")).messages()).containsExactly(note(2));
    assertThat(await(store.ack(user, "lease-2", 1, "lease-3", HELD_LONG_MS))).isTrue();
    assertThat(await(store.take(user, ALL, LEASE_MS, "lease-3")).messages()).containsExactly(note(3));
    assertThat(await(store.ack(user, "lease-3", 1, "lease-4", LEASE_MS))).isTrue();
    assertThat(await(store.take(user, ALL, LEASE_MS, "other"))).isEqualTo(Taken.NONE);
  }

  @Test
  @DisplayName("a hold an ack made for a next lease that never takes ends with that lease; a message queued meanwhile waits for it")
  void unusedHoldEnds(Vertx vertx) {
    await(store.push(user, note(1)));
    await(store.push(user, note(2)));
    await(store.take(user, 1, LEASE_MS, "lease-1"));
    assertThat(await(store.ack(user, "lease-1", 1, "lease-2", LEASE_MS))).isTrue();
    await(store.push(user, note(3)));
    assertThat(await(store.take(user, ALL, LEASE_MS, "other")).held()).isTrue();
    leaseRunsOut(vertx, user);
    assertThat(deliverAll(user)).containsExactly(note(2), note(3));
  }

  @Test
  @DisplayName("a take under a lease acknowledged already (it ran late) takes nothing; the next taker gets the rest")
  void takeUnderAnAckedLeaseTakesNothing() {
    for (int i = 1; i <= 3; i++) {
      await(store.push(user, note(i)));
    }
    await(store.take(user, 1, LEASE_MS, "lease-1"));
    assertThat(await(store.ack(user, "lease-1", 1))).isTrue();
    assertThat(await(store.take(user, ALL, LEASE_MS, "lease-1"))).isEqualTo(Taken.NONE);
    assertThat(await(store.ack(user, "lease-1", 2))).isFalse();
    assertThat(deliverAll(user)).containsExactly(note(2), note(3));
  }

  @Test
  @DisplayName("a take sent again after another taker took the batch under its own lease is held")
  void takeSentAgainAfterAnotherTook(Vertx vertx) {
    await(store.push(user, note(1)));
    await(store.take(user, ALL, LEASE_MS, "lease-1"));
    leaseRunsOut(vertx, user);
    Taken other = await(store.take(user, ALL, LEASE_MS, "lease-2"));
    assertThat(other.messages()).containsExactly(note(1));
    assertThat(await(store.take(user, ALL, LEASE_MS, "lease-1")).held()).isTrue();
    assertThat(await(store.ack(user, "lease-1", 1))).isFalse();
    assertThat(await(store.ack(user, "lease-2", 1))).isTrue();
    assertThat(deliverAll(user)).isEmpty();
  }

  @Test
  @DisplayName("an ack after the lease ran out still counts while nobody took the batch again; a second one changes nothing")
  void lateAckStillCounts(Vertx vertx) {
    await(store.push(user, note(1)));
    await(store.push(user, note(2)));
    Taken taken = await(store.take(user, 1, LEASE_MS));
    leaseRunsOut(vertx, user);
    assertThat(await(store.ack(user, taken.lease(), 1))).isTrue();
    assertThat(await(store.ack(user, taken.lease(), 0))).isFalse();
    assertThat(deliverAll(user)).containsExactly(note(2));
  }

  @Test
  @DisplayName("an inbox keeps the newest messages up to its limit")
  void bounded() {
    for (int i = 1; i <= MAX_PER_USER + 2; i++) {
      await(store.push(user, note(i)));
    }
    assertThat(deliverAll(user)).containsExactly(note(3), note(4), note(5));
  }

  @Test
  @DisplayName("a user id that could break out of its key is refused with 400, a message over the limit with 413")
  void badInput() {
    for (String bad : List.of("a:b", "*", "x y", "", "x".repeat(129))) {
      assertRefused(store.push(bad, note(1)), ErrorCode.BAD_REQUEST);
      assertRefused(store.take(bad, ALL, LEASE_MS), ErrorCode.BAD_REQUEST);
      assertRefused(store.ack(bad, "lease", 0), ErrorCode.BAD_REQUEST);
    }
    assertRefused(store.push(user, new JsonObject().put("message", "x".repeat(MAX_VALUE_BYTES))), ErrorCode.TOO_LARGE);
    assertThat(deliverAll(user)).isEmpty();
  }

  @Test
  @DisplayName("a take without a lease, or with one over 100 characters, is refused with 400 and takes nothing")
  void badLease() {
    await(store.push(user, note(1)));
    for (String bad : Arrays.asList(null, "", "x".repeat(101))) {
      assertRefused(store.take(user, ALL, LEASE_MS, bad), ErrorCode.BAD_REQUEST);
    }
    assertThat(deliverAll(user)).containsExactly(note(1));
  }

  /** Gives {@code MAX_USERS} users an inbox each; answers their ids. */
  protected List<String> fillToTheLimit() {
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
    assertThat(deliverAll(user)).isEmpty();
    for (String u : users) {
      assertThat(deliverAll(u)).containsExactly(note(1));
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
    assertThat(deliverAll(existing)).containsExactly(note(2), note(3), note(4));
  }

  @Test
  @DisplayName("an inbox whose batch is out still counts, and takes messages, until the ack; delivered, it frees its place")
  void inboxInDeliveryCountsUntilAcknowledged() {
    String taken = fillToTheLimit().get(1);
    Taken batch = await(store.take(taken, ALL, LEASE_MS));
    assertRefused(store.push(user, note(1)), ErrorCode.TOO_LARGE);
    await(store.push(taken, note(2)));
    assertThat(await(store.ack(taken, batch.lease(), 1))).isTrue();
    assertRefused(store.push(user, note(1)), ErrorCode.TOO_LARGE);
    assertThat(deliverAll(taken)).containsExactly(note(2));
    await(store.push(user, note(3)));
    assertThat(deliverAll(user)).containsExactly(note(3));
  }

  @Test
  @DisplayName("messages not delivered go back into their inbox at the limit: it never stopped counting")
  void undeliveredGoBackAtTheLimit() {
    String taken = fillToTheLimit().get(2);
    Taken batch = await(store.take(taken, ALL, LEASE_MS));
    assertRefused(store.push("late-" + user, note(6)), ErrorCode.TOO_LARGE);
    assertThat(await(store.ack(taken, batch.lease(), 0))).isTrue();
    assertThat(deliverAll(taken)).containsExactly(note(1));
  }

  @Test
  @DisplayName("expired inboxes no longer count, a batch out included: once they are gone, a new user's message is stored")
  void expiredInboxesFreeTheirPlaces(Vertx vertx) {
    // Redis expires in real time: long enough that filling up and the refusal happen before it.
    store = create(vertx, MAX_VALUE_BYTES, MAX_PER_USER, 3, MAX_USERS, clock);
    String inDelivery = fillToTheLimit().get(0);
    Taken batch = await(store.take(inDelivery, ALL, 60_000));
    assertRefused(store.push(user, note(1)), ErrorCode.TOO_LARGE);
    clock.advance(Duration.ofSeconds(4));
    await(Eventually.holds(vertx, 100, 10_000, () -> store.push(user, note(2)).map(v -> true)));
    assertThat(deliverAll(user)).containsExactly(note(2));
    assertThat(await(store.ack(inDelivery, batch.lease(), 0))).isFalse();
    assertThat(deliverAll(inDelivery)).isEmpty();
  }
}
