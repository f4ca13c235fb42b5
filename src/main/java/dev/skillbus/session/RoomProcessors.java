package dev.skillbus.session;

import com.hazelcast.map.EntryProcessor;
import java.util.List;
import java.util.Map;

/**
 * The only ways {@link RoomState} changes: entry processors run atomically on the owner of the
 * room's key (and replayed on its backup, so each one is deterministic: times come from the caller,
 * {@code now} in microseconds of the cluster's clock). A room whose last connection leaves is
 * removed from the map.
 */
final class RoomProcessors {

  private RoomProcessors() {
  }

  private static RoomState stateOf(Map.Entry<String, RoomState> entry) {
    RoomState state = entry.getValue();
    return state == null ? new RoomState() : state;
  }

  private static void store(Map.Entry<String, RoomState> entry, RoomState state) {
    entry.setValue(state.isEmpty() ? null : state);
  }

  record Join(Connection connection, long now) implements EntryProcessor<String, RoomState, RoomChange> {
    @Override
    public RoomChange process(Map.Entry<String, RoomState> entry) {
      RoomState state = stateOf(entry);
      RoomChange change = state.join(connection, now);
      store(entry, state);
      return change;
    }
  }

  /** Removes the connections a {@link Scope} names: one connection, or all of a node that stopped or died. */
  record Leave(Scope scope, String id, long now) implements EntryProcessor<String, RoomState, RoomChange> {

    enum Scope { CONNECTION, NODE }

    static Leave connection(String connId, long now) {
      return new Leave(Scope.CONNECTION, connId, now);
    }

    static Leave node(String nodeId, long now) {
      return new Leave(Scope.NODE, nodeId, now);
    }

    @Override
    public RoomChange process(Map.Entry<String, RoomState> entry) {
      RoomState state = entry.getValue();
      if (state == null) {
        return RoomChange.NONE;
      }
      RoomChange change = state.leave(c -> id.equals(scope == Scope.CONNECTION ? c.connId() : c.nodeId()), now);
      store(entry, state);
      return change;
    }
  }

  /**
   * The room's participants and version, the version first raised to {@code atLeast} where it is
   * lower: read for a presence event the history refused because it holds one of version
   * {@code atLeast}, so that the event, sent again with this roster, is taken. A room that was
   * removed (and perhaps made again by a node whose clock is behind) would otherwise read lower
   * than the history for as long as the clocks differ. A room without state stays without: it reads
   * as empty at {@code atLeast}.
   */
  record ReadAtLeast(long atLeast) implements EntryProcessor<String, RoomState, Roster> {
    @Override
    public Roster process(Map.Entry<String, RoomState> entry) {
      RoomState state = entry.getValue();
      if (state == null) {
        return new Roster(List.of(), atLeast);
      }
      if (state.raise(atLeast)) {
        entry.setValue(state);
      }
      return state.roster();
    }
  }

  record Update(String userId, Boolean active, Integer line, Integer column)
    implements EntryProcessor<String, RoomState, Boolean> {
    @Override
    public Boolean process(Map.Entry<String, RoomState> entry) {
      RoomState state = entry.getValue();
      if (state == null || !state.update(userId, active, line, column)) {
        return false;
      }
      entry.setValue(state);
      return true;
    }
  }

  /** Records the latest cursor of several users of one room at once: one operation per room. */
  record Cursors(Map<String, Position> positions) implements EntryProcessor<String, RoomState, Boolean> {
    @Override
    public Boolean process(Map.Entry<String, RoomState> entry) {
      RoomState state = entry.getValue();
      if (state == null) {
        return false;
      }
      boolean changed = false;
      for (Map.Entry<String, Position> p : positions.entrySet()) {
        changed |= state.update(p.getKey(), null, p.getValue().line(), p.getValue().column());
      }
      if (changed) {
        entry.setValue(state);
      }
      return changed;
    }
  }

  /** A cursor position. */
  record Position(int line, int column) {
  }
}
