package dev.skillbus.session;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The only ways {@link RoomState} changes: entry processors run atomically on the owner of the
 * room's key and replayed on its backup, so each one is deterministic there: times come from the
 * caller, and a join's or leave's clock reading from the owner (see {@link Change}). A room whose
 * last connection leaves is removed from the map.
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

  /** This node's clock in microseconds. */
  static long micros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
  }

  /**
   * A join or leave, which raises the room's membership version (see {@link RoomState}). On the
   * owner it reads the owner's clock as it runs, so that versions follow the order in which the
   * owner makes the changes, also across a room emptied and made again (a reading taken by the
   * caller could be older than one a change made before it took). Its backup replays it at the
   * version the owner gave, so that both copies hold the same.
   */
  abstract static class Change implements EntryProcessor<String, RoomState, RoomChange> {

    /** {@link #at()} of a change on the owner: read the clock there. */
    static final long OWNER_CLOCK = -1;

    private final long at;
    /** The version the change gave the room, for its backup; set where it ran. */
    private long version;

    Change(long at) {
      this.at = at;
    }

    /** The clock reading (µs) to make the change at, or {@link #OWNER_CLOCK}. */
    long at() {
      return at;
    }

    @Override
    public final RoomChange process(Map.Entry<String, RoomState> entry) {
      RoomChange change = change(entry, at == OWNER_CLOCK ? micros() : at);
      version = change.roster().version();
      return change;
    }

    @Override
    public final EntryProcessor<String, RoomState, RoomChange> getBackupProcessor() {
      return at(version);
    }

    abstract RoomChange change(Map.Entry<String, RoomState> entry, long now);

    /** The same change, made at {@code now}. */
    abstract Change at(long now);
  }

  /**
   * Adds a connection; {@code active}: its user's activity when it is their first connection in the
   * room (see {@link RoomState#join(Connection, long, boolean)}).
   */
  static final class Join extends Change {
    private final Connection connection;
    private final boolean active;

    Join(Connection connection) {
      this(connection, true);
    }

    Join(Connection connection, boolean active) {
      this(connection, active, OWNER_CLOCK);
    }

    Join(Connection connection, boolean active, long at) {
      super(at);
      this.connection = connection;
      this.active = active;
    }

    Connection connection() {
      return connection;
    }

    boolean active() {
      return active;
    }

    @Override
    RoomChange change(Map.Entry<String, RoomState> entry, long now) {
      RoomState state = stateOf(entry);
      RoomChange change = state.join(connection, now, active);
      store(entry, state);
      return change;
    }

    @Override
    Join at(long now) {
      return new Join(connection, active, now);
    }
  }

  /** Removes the connections a {@link Scope} names: one connection, or all of a node that stopped or died. */
  static final class Leave extends Change {

    enum Scope { CONNECTION, NODE }

    private final Scope scope;
    private final String id;

    Leave(Scope scope, String id, long at) {
      super(at);
      this.scope = scope;
      this.id = id;
    }

    static Leave connection(String connId) {
      return new Leave(Scope.CONNECTION, connId, OWNER_CLOCK);
    }

    static Leave node(String nodeId) {
      return new Leave(Scope.NODE, nodeId, OWNER_CLOCK);
    }

    Scope scope() {
      return scope;
    }

    String id() {
      return id;
    }

    @Override
    RoomChange change(Map.Entry<String, RoomState> entry, long now) {
      RoomState state = entry.getValue();
      if (state == null) {
        return RoomChange.NONE;
      }
      RoomChange change = state.leave(c -> id.equals(scope == Scope.CONNECTION ? c.connId() : c.nodeId()), now);
      store(entry, state);
      return change;
    }

    @Override
    Leave at(long now) {
      return new Leave(scope, id, now);
    }
  }

  /**
   * The room's participants and version, the version first raised to {@code atLeast} where it is
   * lower: read for a presence event the history refused because it holds one of version
   * {@code atLeast}, so that the event, sent again with this roster, is taken. A room that was
   * removed and made again on an owner whose clock is behind (another node since a migration, or
   * its clock set back) would otherwise read lower than the history until the clock caught up. A
   * room without state stays without: it reads as empty at {@code atLeast}.
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

  /**
   * Reads, changing nothing, which nodes a room's state holds connections of that are not among
   * {@code live}: null when none (so that a scan of every room answers only for those that have).
   */
  record NodesGone(Set<String> live) implements EntryProcessor<String, RoomState, ArrayList<String>>, ReadOnly {
    @Override
    public ArrayList<String> process(Map.Entry<String, RoomState> entry) {
      RoomState state = entry.getValue();
      if (state == null) {
        return null;
      }
      ArrayList<String> gone = new ArrayList<>();
      for (String nodeId : state.nodeIds()) {
        if (!live.contains(nodeId)) {
          gone.add(nodeId);
        }
      }
      return gone.isEmpty() ? null : gone;
    }

    @Override
    public EntryProcessor<String, RoomState, ArrayList<String>> getBackupProcessor() {
      return null;
    }
  }
}
