package dev.skillbus.course;

import dev.skillbus.store.RoomHistory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forgets the room history of course sessions whose time to live passed, with one periodic timer
 * per node rather than one per session. The status documents expire by themselves (the store's
 * ttl); this drops the updates kept in the session's room once nothing was appended to it for the
 * ttl. It knows the sessions this node ended (or took over from a node that died).
 */
final class SessionExpiry {

  private static final Logger LOG = LoggerFactory.getLogger(SessionExpiry.class);

  private record Due(long at, String sessionId) {
  }

  private final Vertx vertx;
  private final RoomHistory history;
  private final long ttlMillis;
  private final PriorityQueue<Due> due = new PriorityQueue<>((a, b) -> Long.compare(a.at(), b.at()));
  private long timerId = -1;

  SessionExpiry(Vertx vertx, RoomHistory history, long ttlMillis) {
    this.vertx = vertx;
    this.history = history;
    this.ttlMillis = ttlMillis;
  }

  void start(long intervalMillis) {
    timerId = vertx.setPeriodic(Math.max(1, intervalMillis), id -> sweep());
  }

  void stop() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
  }

  /** The session ended now: its history is forgotten once the ttl passed. */
  void track(String sessionId) {
    due.add(new Due(System.currentTimeMillis() + ttlMillis, sessionId));
  }

  /** Forgets every session whose time came; completes when done. */
  Future<Void> sweep() {
    long now = System.currentTimeMillis();
    List<Future<Boolean>> forgotten = new ArrayList<>();
    while (!due.isEmpty() && due.peek().at() <= now) {
      String sessionId = due.poll().sessionId();
      forgotten.add(history.forgetIfIdle(sessionId, ttlMillis)
        .onSuccess(gone -> {
          if (!gone) {
            track(sessionId); // used since it ended (a chat in its room, say): look again later
          }
        })
        .onFailure(err -> LOG.warn("Could not forget course session {}", sessionId, err)));
    }
    return Future.join(forgotten).mapEmpty();
  }
}
