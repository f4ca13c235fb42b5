package dev.skillbus.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Per-user queues of messages for users who are not connected (notifications), taken when they
 * connect. An inbox holds the newest {@code maxPerUser} messages (older ones are dropped) and
 * expires {@code ttlSeconds} after its last message was queued.
 */
public interface InboxStore {

  /** Queues a message for the user. */
  Future<Void> push(String userId, JsonObject message);

  /** Takes every queued message, oldest first, and empties the inbox in the same step. */
  Future<List<JsonObject>> take(String userId);
}
