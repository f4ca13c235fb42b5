package dev.skillbus.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.ClusterNode;
import dev.skillbus.protocol.Envelope;
import dev.skillbus.protocol.Event;
import dev.skillbus.protocol.Inbound;
import dev.skillbus.store.InMemoryRoomHistory;
import dev.skillbus.testing.Nodes;
import dev.skillbus.testing.TestConnection;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Two nodes sharing one room history, as they share Redis: a held append stands for the node that
 * reaches the store a little later than the other.
 */
@DisplayName("Presence events of changes made on two nodes at once")
class PresenceOrderTest {

  private static final Nodes NODES = new Nodes("presence-order-test", 5880);
  private static final HeldHistory HISTORY = new HeldHistory(new InMemoryRoomHistory(100, 3600));
  private static ClusterNode a;
  private static ClusterNode b;

  @BeforeAll
  static void deploy() {
    a = NODES.start().await();
    b = NODES.start().await();
    for (ClusterNode node : List.of(a, b)) {
      node.vertx().deployVerticle(new SessionVerticle(node.hazelcast(), HISTORY), new DeploymentOptions()).await();
    }
  }

  @AfterAll
  static void close() {
    NODES.closeAll().await();
  }

  private static TestConnection connection(ClusterNode node, String userId) {
    return new TestConnection(node.vertx(), userId, userId + " Name", "learner");
  }

  private static Future<JsonObject> request(TestConnection conn, Inbound inbound, String room) {
    return conn.request(inbound.address(), new JsonObject().put("sessionId", room));
  }

  /** The room's stored presence events, by seq: "event userId [participants]". */
  private static List<String> presenceEvents(String room) throws Exception {
    return HISTORY.since(room, 0, null).await(10, TimeUnit.SECONDS).events().stream()
      .filter(e -> List.of(Event.USER_JOINED, Event.USER_LEFT).contains(e.getString(Envelope.EVENT)))
      .map(e -> {
        JsonObject data = e.getJsonObject(Envelope.DATA);
        return e.getString(Envelope.EVENT) + " " + data.getString("userId") + " " + data.getJsonArray("participants")
          .stream().map(p -> ((JsonObject) p).getString("userId")).toList();
      })
      .toList();
  }

  /**
   * Once Alice's change is in the room's state and its event held on its way to the store, Bob joins
   * through the other node: his change comes after hers, his event is stored first. Then hers goes on.
   */
  private static void bobJoinsMeanwhile(String room, HeldHistory.Hold alicesEvent, Future<JsonObject> alicesRequest)
    throws Exception {
    alicesEvent.arrived().await(10, TimeUnit.SECONDS);
    request(connection(b, "bob"), Inbound.SESSION_JOIN, room).await(10, TimeUnit.SECONDS);
    alicesEvent.release();
    alicesRequest.await(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("a join whose event reaches the store after a later join's is stored with the later list, so the last event lists both")
  void joinStoredLateCarriesTheLaterList() throws Exception {
    String room = "room-" + UUID.randomUUID();
    HeldHistory.Hold alicesEvent = HISTORY.holdAppend(room, Event.USER_JOINED, "alice");
    bobJoinsMeanwhile(room, alicesEvent, request(connection(a, "alice"), Inbound.SESSION_JOIN, room));

    assertThat(presenceEvents(room)).containsExactly(
      "user-joined bob [alice, bob]",
      "user-joined alice [alice, bob]");
  }

  @Test
  @DisplayName("a leave whose event reaches the store after a later join's is stored with the later list, so the last event lists the joiner")
  void leaveStoredLateCarriesTheLaterList() throws Exception {
    String room = "room-" + UUID.randomUUID();
    TestConnection alice = connection(a, "alice");
    request(alice, Inbound.SESSION_JOIN, room).await(10, TimeUnit.SECONDS);
    HeldHistory.Hold alicesLeft = HISTORY.holdAppend(room, Event.USER_LEFT, "alice");
    bobJoinsMeanwhile(room, alicesLeft, request(alice, Inbound.SESSION_LEAVE, room));

    assertThat(presenceEvents(room)).containsExactly(
      "user-joined alice [alice]",
      "user-joined bob [bob]",
      "user-left alice [bob]");
  }
}
