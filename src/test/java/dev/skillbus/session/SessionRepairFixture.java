package dev.skillbus.session;

import static dev.skillbus.testing.BusProbe.event;

import com.hazelcast.map.IMap;
import dev.skillbus.ClusterNode;
import dev.skillbus.auth.RoomRules;
import dev.skillbus.ops.Metrics;
import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.Event;
import dev.skillbus.store.InMemoryRoomHistory;
import dev.skillbus.testing.BusProbe;
import dev.skillbus.testing.ForwardingHistory;
import dev.skillbus.testing.Nodes;
import dev.skillbus.testing.TestConnection;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;

/**
 * Two nodes: {@code mending}, whose Hazelcast refuses chosen leaves and whose store refuses chosen
 * events, checks its rooms only every hour, so what it mends it mends from the rooms in doubt (every
 * second); {@code sweeping} checks all its rooms every second. Each test class starts its own two
 * nodes, in a cluster named after the class, and closes them after; the classes run one after
 * another on the same ports.
 */
abstract class SessionRepairFixture {

  static final RefusingHistory HISTORY = new RefusingHistory();
  /** The sweeping node's history. */
  static final InMemoryRoomHistory SWEEPING_HISTORY = new InMemoryRoomHistory(100, 3600);
  static Nodes nodes;
  static RefusingHazelcast refusing;
  static ClusterNode mending;
  static ClusterNode sweeping;
  static Metrics sweepingMetrics;

  /** The node's history, refusing one room's presence events while told to, as a store that is down. */
  static final class RefusingHistory extends ForwardingHistory {
    volatile String refusedRoom;

    RefusingHistory() {
      super(new InMemoryRoomHistory(100, 3600));
    }

    private boolean refuses(String roomId, String event) {
      return roomId.equals(refusedRoom) && (Event.USER_JOINED.equals(event) || Event.USER_LEFT.equals(event));
    }

    private static <T> Future<T> unavailable() {
      return Future.failedFuture(ErrorCode.UNAVAILABLE.exception("the store is unavailable"));
    }

    @Override
    public Future<JsonObject> append(String roomId, String event, JsonObject data) {
      return refuses(roomId, event) ? unavailable() : inner.append(roomId, event, data);
    }

    @Override
    public Future<PresenceAppend> appendPresence(String roomId, String event, JsonObject data, long version, String id) {
      return refuses(roomId, event) ? unavailable() : inner.appendPresence(roomId, event, data, version, id);
    }
  }

  @BeforeAll
  static void deploy(TestInfo test) {
    nodes = new Nodes("session-repair-" + test.getTestClass().orElseThrow().getSimpleName(), 5890);
    mending = nodes.start().await();
    refusing = new RefusingHazelcast(mending.hazelcast());
    mending.vertx().deployVerticle(new SessionVerticle(refusing.instance(), HISTORY),
      new DeploymentOptions().setConfig(new JsonObject().put("sweepIntervalSeconds", 3600))).await();
    sweeping = nodes.start().await();
    sweepingMetrics = Metrics.create();
    sweeping.vertx().deployVerticle(
      new SessionVerticle(sweeping.hazelcast(), SWEEPING_HISTORY, sweepingMetrics, RoomRules.open()),
      new DeploymentOptions().setConfig(new JsonObject().put("sweepIntervalSeconds", 1))).await();
  }

  @AfterAll
  static void close() {
    nodes.closeAll().await();
  }

  static List<String> userIds(JsonArray participants) {
    return participants.stream().map(p -> ((JsonObject) p).getString("userId")).toList();
  }

  static List<String> participantsOf(BusProbe.Received received) {
    return userIds(received.body().getJsonObject("data").getJsonArray("participants"));
  }

  /** A connection of a learner to the mending node. */
  static TestConnection onMending(String userId) {
    return new TestConnection(mending.vertx(), userId, userId, "learner");
  }

  /**
   * Joins a newcomer to the room on the mending node, and answers its join reply once its user-joined
   * arrived: whatever was announced in the room before it has arrived too.
   */
  static Future<JsonObject> marker(BusProbe probe, String room, String newcomer) {
    return onMending(newcomer).join(room)
      .compose(reply -> probe.next(event(Event.USER_JOINED, newcomer)).map(reply));
  }

  static String idOf(ClusterNode node) {
    return dev.skillbus.cluster.Nodes.localId(node.hazelcast());
  }

  /** The node's connections that the room's cluster-wide state holds. */
  static Future<Set<String>> heldBy(ClusterNode node, String room) {
    IMap<String, RoomState> rooms = node.hazelcast().getMap(RoomRegistry.ROOMS);
    return node.vertx().executeBlocking(() -> {
      RoomState state = rooms.get(room);
      return state == null ? Set.of() : state.connectionIdsOf(idOf(node));
    });
  }
}
