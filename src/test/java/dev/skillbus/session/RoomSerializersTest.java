package dev.skillbus.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.hazelcast.config.SerializationConfig;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.internal.serialization.impl.DefaultSerializationServiceBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What crosses Hazelcast for room membership comes back as it went, in skillbus's own format. */
@DisplayName("Room membership through Hazelcast's serialization")
class RoomSerializersTest {

  static SerializationService serialization;

  @BeforeAll
  static void setUp() {
    SerializationConfig config = new SerializationConfig();
    RoomSerializers.register(config);
    serialization = new DefaultSerializationServiceBuilder().setConfig(config).build();
  }

  private static <T> T roundTrip(T value, int typeId) {
    Data data = serialization.toData(value);
    assertThat(data.getType()).as("type id of %s", value.getClass().getSimpleName()).isEqualTo(typeId);
    return serialization.toObject(data);
  }

  private static Connection connection(String connId, String userId, long joinedAt) {
    return new Connection(connId, userId, "User " + userId, "learner", "node-1", joinedAt);
  }

  @Test
  @DisplayName("a join's result, with its new user, the room's version and the participants, cursors and absent names included")
  void roomChange() {
    RoomState state = new RoomState();
    state.join(connection("c1", "ana", 10), 1_763_000_000_000_000L, true);
    state.update("ana", false, 3, 14);
    RoomChange change = state.join(new Connection("c2", "ben", null, "instructor", "node-2", 20), 5, true);

    RoomChange back = roundTrip(change, 1001);

    assertThat(back).isEqualTo(change);
    assertThat(back.roster().version()).isEqualTo(1_763_000_000_000_001L);
    assertThat(back.roster().participants()).extracting(Participant::line, Participant::active).containsExactly(tuple(3, false), tuple(null, true));
    assertThat(roundTrip(RoomChange.NONE, 1001)).isEqualTo(RoomChange.NONE);
  }

  @Test
  @DisplayName("a room's state, which goes on changing as the original would after the trip, from its version on")
  void roomState() {
    RoomState state = new RoomState();
    state.join(connection("c1", "ana", 10), 100, true);
    state.join(connection("c2", "ana", 11), 100, true);
    state.join(connection("c3", "ben", 12), 100, true);
    state.update("ben", null, 7, 1);

    RoomState back = roundTrip(state, 1002);

    assertThat(back.roster()).isEqualTo(state.roster()).extracting(Roster::version).isEqualTo(102L);
    assertThat(back.connectionCount()).isEqualTo(3);
    assertThat(back.since()).isEqualTo(10);
    // Ana leaves only with her last connection; the copy knows she had two.
    assertThat(back.leave(c -> c.connId().equals("c1"), 0).users()).isEmpty();
    RoomChange left = back.leave(c -> c.connId().equals("c2"), 0);
    assertThat(left.users()).extracting(Connection::userId).containsExactly("ana");
    assertThat(left.roster().version()).isEqualTo(104L);
  }

  @Test
  @DisplayName("a user's entry keeps the name and time of the join that brought them in while any of their connections stays")
  void userKeepsFirstJoin() {
    RoomState state = new RoomState();
    state.join(new Connection("c1", "ana", "Ana", "learner", "node-1", 10), 100, true);
    state.join(new Connection("c2", "ana", "Ana (tablet)", "learner", "node-2", 11), 100, true);
    state.leave(c -> c.connId().equals("c1"), 0);
    RoomState back = roundTrip(state, 1002);
    for (RoomState s : List.of(state, back)) {
      assertThat(s.participants()).singleElement().satisfies(p -> {
        assertThat(p.name()).isEqualTo("Ana");
        assertThat(p.joinedAt()).isEqualTo(10);
      });
      // The user-left of her last connection names her as the participant peers saw.
      assertThat(s.leave(c -> c.connId().equals("c2"), 0).users()).singleElement()
        .satisfies(gone -> assertThat(gone.name()).isEqualTo("Ana"));
    }
  }

  @Test
  @DisplayName("a room's participants and version as read again for a refused presence event")
  void roster() {
    RoomState state = new RoomState();
    state.join(connection("c1", "ana", 10), 42, true);
    assertThat(roundTrip(state.roster(), 1008)).isEqualTo(state.roster());
    assertThat(roundTrip(Roster.EMPTY, 1008)).isEqualTo(Roster.EMPTY);
  }

  @Test
  @DisplayName("the entry processors, as sent to the room's owner and backup on another node")
  void processors() {
    // As the caller sends them (the owner reads its clock), and as the owner sends them to the backup.
    for (RoomProcessors.Change change : List.of(new RoomProcessors.Join(connection("c1", "ana", 10)),
      new RoomProcessors.Join(connection("c1", "ana", 10), true, 1_763_000_000_000_123L),
      new RoomProcessors.Join(connection("c1", "ana", 10), false), RoomProcessors.Leave.connection("c1"),
      RoomProcessors.Leave.node("node-1"), new RoomProcessors.Leave(RoomProcessors.Leave.Scope.NODE, "node-1", 8))) {
      assertThat(roundTrip(change, change instanceof RoomProcessors.Join ? 1003 : 1004)).usingRecursiveComparison().isEqualTo(change);
    }
    for (RoomProcessors.Update update : List.of(new RoomProcessors.Update("ana", true, null, null),
      new RoomProcessors.Update("ana", false, 4, 2), new RoomProcessors.Update("ana", null, 0, 0))) {
      assertThat(roundTrip(update, 1005)).isEqualTo(update);
    }
    RoomProcessors.NodesGone scan = new RoomProcessors.NodesGone(java.util.Set.of("node-1", "node-2"));
    assertThat(roundTrip(scan, 1009)).isEqualTo(scan);
    Map<String, RoomProcessors.Position> positions = new LinkedHashMap<>();
    positions.put("ana", new RoomProcessors.Position(1, 2));
    positions.put("ben", new RoomProcessors.Position(30, 4));
    assertThat(roundTrip(new RoomProcessors.Cursors(positions), 1006).positions()).containsExactlyEntriesOf(positions);
    assertThat(roundTrip(new RoomProcessors.ReadAtLeast(99), 1007)).isEqualTo(new RoomProcessors.ReadAtLeast(99));
  }
}
