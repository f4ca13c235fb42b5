package dev.skillbus.store;

import dev.skillbus.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;

/**
 * Per-user queues of messages for users who are not connected (notifications), delivered when they
 * connect. An inbox holds the newest {@code maxPerUser} messages (older ones are dropped) and
 * expires {@code ttlSeconds} after its last message was queued. At most {@code maxUsers} inboxes
 * exist at once: any user id may be notified, so without that bound they would grow with the ids
 * invented. An inbox that was delivered or expired no longer counts.
 *
 * <p>A message leaves the store only once it was delivered: {@link #take} hands out a batch under a
 * lease, and {@link #ack} says how many of it were delivered. A batch whose taker never says (its
 * reply was lost, its node died) is handed out again once the lease ran out: messages are delivered
 * at least once, and may arrive twice.
 */
public interface InboxStore {

  /**
   * A batch taken from an inbox, oldest first, and the lease it is held under. No messages and no
   * lease when there was none: {@link #NONE} when the inbox is empty, or {@link #held} with how long
   * another lease still runs when another taker holds a batch of it.
   */
  record Taken(String lease, List<JsonObject> messages, long heldForMillis) {

    public static final Taken NONE = new Taken(null, List.of(), 0);

    public Taken(String lease, List<JsonObject> messages) {
      this(lease, messages, 0);
    }

    /** Nothing taken: another lease runs for {@code millis} more (at least 1). */
    public static Taken held(long millis) {
      return new Taken(null, List.of(), Math.max(1, millis));
    }

    /** True when nothing was taken because another taker holds the inbox. */
    public boolean held() {
      return heldForMillis > 0;
    }
  }

  /**
   * Queues a message for the user. Refused with 413, and nothing is stored, when the user has no
   * inbox and {@code maxUsers} inboxes exist already; an existing inbox always takes it.
   */
  Future<Void> push(String userId, JsonObject message);

  /** What {@link #pushBehind} did. */
  enum Behind {
    /** Nothing stored: the user has no inbox (nothing queued, no batch out). */
    NO_INBOX,
    /**
     * Nothing stored: the inbox holds {@code maxPerUser} messages, queued or in a batch out (or the
     * store its most bytes), and queuing would drop one.
     */
    FULL,
    /** Queued behind the messages the inbox holds. */
    QUEUED
  }

  /**
   * Queues a message behind those the user's inbox holds (queued, or in a batch being delivered),
   * as {@link #push} would, unless the user has no inbox or queuing would drop one of those: so that
   * a message for a user who can receive live does not overtake older ones still on their way to
   * them. Never refused for {@code maxUsers}.
   */
  Future<Behind> pushBehind(String userId, JsonObject message);

  /**
   * Takes the oldest {@code max} messages (at least one) under the lease {@code lease} (the taker's
   * own token) for {@code leaseMillis}: they leave the inbox for its batch in delivery, which still
   * belongs to the inbox (it counts against {@code maxUsers} and expires with it) until {@link #ack}.
   * While a lease runs, a take under another lease gets nothing ({@link Taken#held}, with how long
   * that lease still runs): one batch at a time, in order. A take under the lease that runs (the
   * same take sent again because its reply was lost) gets that lease's batch again, for {@code
   * leaseMillis} from then; a take under a lease acknowledged already (one that ran late) takes
   * nothing: a token serves one batch. Once a lease ran out without an ack, the next take gets that
   * same batch again, under its own lease.
   */
  Future<Taken> take(String userId, int max, long leaseMillis, String lease);

  /** {@link #take(String, int, long, String)} under a new lease of its own. */
  default Future<Taken> take(String userId, int max, long leaseMillis) {
    return take(userId, max, leaseMillis, UUID.randomUUID().toString());
  }

  /**
   * Ends a lease: the first {@code delivered} messages of its batch are gone, the others go back to
   * the head of the inbox, before those queued meanwhile (never refused for {@code maxUsers}: the
   * inbox still counted). Answers false, changing nothing, when the batch is no longer the lease's:
   * it was acknowledged already, taken again after the lease ran out, or expired.
   */
  default Future<Boolean> ack(String userId, String lease, int delivered) {
    return ack(userId, lease, delivered, null, 0);
  }

  /**
   * {@link #ack(String, String, int)}, and when {@code next} (a new lease token of the same taker)
   * is given and messages are left, the inbox is then held under {@code next} for {@code
   * leaseMillis}, with no batch yet: the taker's take under {@code next} gets the following batch,
   * and no other taker gets one in between, so that a delivery goes on on one connection. A hold
   * that no take uses ends with its lease.
   */
  Future<Boolean> ack(String userId, String lease, int delivered, String next, long leaseMillis);

  /** The refusal of a new inbox when {@code maxUsers} exist: the same from both stores. */
  static RuntimeException full(int maxUsers) {
    return ErrorCode.TOO_LARGE.exception("offline inboxes are full: at most " + maxUsers
      + " users may have notifications queued at once (INBOX_MAX_USERS); nothing was queued for this user");
  }
}
