package dev.skillbus.session;

import dev.skillbus.protocol.Internal;
import dev.skillbus.store.RoomHistory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forgets the history of rooms nobody has used for the idle time, so that memory follows the rooms
 * in use, not every room ever seen. One periodic timer per node; it knows the rooms whose history
 * this node touched, and checks the cluster-wide membership before forgetting one. A course
 * session's room is kept while the session's status is (the course part's time to live, which
 * forgets it then), so that a late joiner still gets the whole generation.
 */
final class RoomSweeper {

  private static final Logger LOG = LoggerFactory.getLogger(RoomSweeper.class);

  private final Vertx vertx;
  private final RoomRegistry registry;
  private final RoomHistory history;
  private final long idleMillis;
  private final Map<String, Long> lastUsed = new HashMap<>();
  private long timerId = -1;

  RoomSweeper(Vertx vertx, RoomRegistry registry, RoomHistory history, long idleSeconds) {
    this.vertx = vertx;
    this.registry = registry;
    this.history = history;
    this.idleMillis = idleSeconds * 1000;
  }

  /** The room's history was used now. */
  void touch(String roomId) {
    lastUsed.put(roomId, System.currentTimeMillis());
  }

  void start(long intervalSeconds) {
    timerId = vertx.setPeriodic(intervalSeconds * 1000, id -> sweep());
  }

  void stop() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
  }

  /** Forgets each idle room that has no members; completes when all checks are done. */
  Future<Void> sweep() {
    long now = System.currentTimeMillis();
    List<Future<?>> checks = new ArrayList<>();
    new HashMap<>(lastUsed).forEach((roomId, used) -> {
      if (now - used >= idleMillis) {
        checks.add(forgetIfEmpty(roomId, used));
      }
    });
    return Future.join(checks).mapEmpty();
  }

  private Future<Void> forgetIfEmpty(String roomId, long used) {
    return registry.hasMembers(roomId)
      .compose(members -> members ? Future.succeededFuture(true) : courseSessionLives(roomId))
      .compose(kept -> {
        // Kept rooms stay noted, to be looked at again; a room used while we asked is not idle any more.
        if (kept || !lastUsed.remove(roomId, used)) {
          return Future.succeededFuture();
        }
        // Another node sharing the history may still be appending: the history checks that too.
        return history.forgetIfIdle(roomId, idleMillis)
          .onSuccess(dropped -> LOG.debug("Idle room {}: history forgotten {}", roomId, dropped))
          .<Void>mapEmpty();
      })
      .onFailure(err -> LOG.warn("Could not sweep room {}", roomId, err));
  }

  private Future<Boolean> courseSessionLives(String roomId) {
    return Internal.courseStatus(vertx.eventBus(), roomId).map(status -> status != null);
  }
}
