package dev.skillbus.store;

import dev.skillbus.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Per-user queues of messages for users who are not connected (notifications), taken when they
 * connect. An inbox holds the newest {@code maxPerUser} messages (older ones are dropped) and
 * expires {@code ttlSeconds} after its last message was queued. At most {@code maxUsers} inboxes
 * exist at once: any user id may be notified, so without that bound they would grow with the ids
 * invented. An inbox that was taken or expired no longer counts.
 */
public interface InboxStore {

  /**
   * Queues a message for the user. Refused with 413, and nothing is stored, when the user has no
   * inbox and {@code maxUsers} inboxes exist already; an existing inbox always takes it.
   */
  Future<Void> push(String userId, JsonObject message);

  /**
   * Queues again a message that {@link #take} returned and that could not be delivered. Never
   * refused for {@code maxUsers}: the inbox existed a moment ago, and its message was accepted then.
   */
  Future<Void> putBack(String userId, JsonObject message);

  /** Takes every queued message, oldest first, and empties the inbox in the same step. */
  Future<List<JsonObject>> take(String userId);

  /** The refusal of a new inbox when {@code maxUsers} exist: the same from both stores. */
  static RuntimeException full(int maxUsers) {
    return ErrorCode.TOO_LARGE.exception("offline inboxes are full: at most " + maxUsers
      + " users may have notifications queued at once (INBOX_MAX_USERS); nothing was queued for this user");
  }
}
