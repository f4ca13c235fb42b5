package dev.skillbus.session;

import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records cursors in the cluster-wide participant state at most once per interval per user and
 * room, with one timer per node. Live {@code cursor-moved} events are not delayed by this; only
 * the cursor shown in a participants list may lag by up to one interval. Writing every move into
 * Hazelcast cost more CPU than the whole fan-out of the move.
 */
final class CursorRecorder {

  private static final Logger LOG = LoggerFactory.getLogger(CursorRecorder.class);

  private final Vertx vertx;
  private final RoomRegistry registry;
  private final long timerId;
  // room → user → latest position not yet written
  private Map<String, Map<String, RoomProcessors.Position>> dirty = new HashMap<>();

  CursorRecorder(Vertx vertx, RoomRegistry registry, long intervalMs) {
    this.vertx = vertx;
    this.registry = registry;
    this.timerId = vertx.setPeriodic(intervalMs, id -> flush());
  }

  void record(String roomId, String userId, int line, int column) {
    dirty.computeIfAbsent(roomId, r -> new HashMap<>()).put(userId, new RoomProcessors.Position(line, column));
  }

  void stop() {
    vertx.cancelTimer(timerId);
    dirty.clear();
  }

  private void flush() {
    if (dirty.isEmpty()) {
      return;
    }
    Map<String, Map<String, RoomProcessors.Position>> batch = dirty;
    dirty = new HashMap<>();
    // One entry processor per room, not per user: each costs a serialization round trip.
    batch.forEach((roomId, users) -> registry.updateCursors(roomId, users)
      .onFailure(err -> LOG.warn("Could not record the cursors of room {}", roomId, err)));
  }
}
