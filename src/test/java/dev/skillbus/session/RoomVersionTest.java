package dev.skillbus.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The membership version of a room, as the entry processors change it on the room's entry. */
@DisplayName("A room's membership version")
class RoomVersionTest {

  private final Map.Entry<String, RoomState> entry = new AbstractMap.SimpleEntry<>("room", null);

  private static Connection connection(String connId, String userId) {
    return new Connection(connId, userId, userId, "learner", "node-1", 0);
  }

  private static RoomProcessors.Leave leave(String connId, long at) {
    return new RoomProcessors.Leave(RoomProcessors.Leave.Scope.CONNECTION, connId, at);
  }

  private long version() {
    return entry.getValue() == null ? 0 : entry.getValue().roster().version();
  }

  @Test
  @DisplayName("goes up with every connection added or removed, to the clock where it is behind, and not with cursors, activity or nothing done")
  void raisedByJoinsAndLeaves() {
    assertThat(new RoomProcessors.Join(connection("c1", "ana"), true, 1000).process(entry).roster().version()).isEqualTo(1000);
    assertThat(new RoomProcessors.Join(connection("c2", "ana"), true, 900).process(entry).roster().version()).isEqualTo(1001);
    assertThat(new RoomProcessors.Join(connection("c2", "ana"), true, 2000).process(entry).roster().version()).isEqualTo(1001);
    new RoomProcessors.Update("ana", false, 1, 2).process(entry);
    new RoomProcessors.Cursors(Map.of("ana", new RoomProcessors.Position(3, 4))).process(entry);
    assertThat(version()).isEqualTo(1001);
    assertThat(leave("c9", 5000).process(entry).roster().version()).isEqualTo(1001);
    assertThat(leave("c1", 0).process(entry).roster().version()).isEqualTo(1002);
    assertThat(new RoomProcessors.Join(connection("c3", "ben"), true, 1500).process(entry).roster().version()).isEqualTo(1500);
    assertThat(new RoomProcessors.Leave(RoomProcessors.Leave.Scope.NODE, "node-1", 1200).process(entry).roster().version()).isEqualTo(1501);
  }

  @Test
  @DisplayName("of a room emptied and made again follows the clock, so it does not go back")
  void roomMadeAgain() {
    new RoomProcessors.Join(connection("c1", "ana"), true, 1000).process(entry);
    RoomChange left = leave("c1", 1000).process(entry);
    assertThat(left.roster().version()).isEqualTo(1001);
    assertThat(entry.getValue()).isNull();
    assertThat(new RoomProcessors.Join(connection("c2", "ben"), true, 1400).process(entry).roster().version()).isEqualTo(1400);
  }

  @Test
  @DisplayName("read again at least at a version is raised to it where lower, and a room without state reads as empty at it")
  void readAtLeast() {
    assertThat(new RoomProcessors.ReadAtLeast(700).process(entry)).isEqualTo(new Roster(List.of(), 700));
    assertThat(entry.getValue()).isNull();
    new RoomProcessors.Join(connection("c1", "ana"), true, 500).process(entry);
    assertThat(new RoomProcessors.ReadAtLeast(700).process(entry).version()).isEqualTo(700);
    assertThat(new RoomProcessors.ReadAtLeast(600).process(entry).version()).isEqualTo(700);
    assertThat(new RoomProcessors.Join(connection("c2", "ben"), true, 0).process(entry).roster().version()).isEqualTo(701);
  }

  @Test
  @DisplayName("is taken from the owner's clock where the change runs, and its backup replays it at the version the owner gave")
  void ownerClockAndBackup() {
    Map.Entry<String, RoomState> backup = new AbstractMap.SimpleEntry<>("room", null);
    new RoomProcessors.Join(connection("c1", "ana"), true, 10).process(entry);
    new RoomProcessors.Join(connection("c1", "ana"), true, 10).process(backup);

    long before = RoomProcessors.micros();
    RoomProcessors.Join join = new RoomProcessors.Join(connection("c2", "ben"));
    long version = join.process(entry).roster().version();
    assertThat(version).isBetween(before, RoomProcessors.micros());
    assertThat(join.getBackupProcessor().process(backup).roster().version()).isEqualTo(version);

    RoomProcessors.Leave leave = RoomProcessors.Leave.connection("c1");
    long left = leave.process(entry).roster().version();
    assertThat(left).isGreaterThan(version);
    assertThat(leave.getBackupProcessor().process(backup).roster()).isEqualTo(entry.getValue().roster());
  }
}
