package dev.skillbus.session;

import static dev.skillbus.testing.BusProbe.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.ClusterNode;
import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.Envelope;
import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.Event;
import dev.skillbus.protocol.Inbound;
import dev.skillbus.store.InMemoryRoomHistory;
import dev.skillbus.testing.BusProbe;
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

/** One node whose store makes chosen presence appends and answers them failed, as a write that timed out. */
@DisplayName("Presence events whose store write was made but answered as failed")
class PresenceStoredOnceTest {

  private static final Nodes NODES = new Nodes("presence-stored-once-test", 5860);
  private static final HeldHistory HISTORY = new HeldHistory(new InMemoryRoomHistory(100, 3600));
  private static ClusterNode node;

  @BeforeAll
  static void deploy() {
    node = NODES.start().await();
    node.vertx().deployVerticle(new SessionVerticle(node.hazelcast(), HISTORY), new DeploymentOptions()).await();
  }

  @AfterAll
  static void close() {
    NODES.closeAll().await();
  }

  private static TestConnection connection(String userId) {
    return new TestConnection(node.vertx(), userId, userId, "learner");
  }

  private static Future<JsonObject> request(TestConnection conn, Inbound inbound, String room) {
    return conn.request(inbound.address(), new JsonObject().put("sessionId", room));
  }

  /** The room's stored events of the user's {@code event}. */
  private static List<JsonObject> stored(String room, String event, String userId) throws Exception {
    return HISTORY.since(room, 0, null).await(10, TimeUnit.SECONDS).events().stream()
      .filter(event(event, userId))
      .toList();
  }

  @Test
  @DisplayName("a user-left sent again once the store answers is stored once, after a later change too, and peers get it with its seq")
  void userLeftStoredOnce() throws Exception {
    String room = "room-" + UUID.randomUUID();
    BusProbe peers = BusProbe.listen(node.vertx(), Address.room(room)).await();
    TestConnection ada = connection("ada");
    request(ada, Inbound.SESSION_JOIN, room).await(10, TimeUnit.SECONDS);
    request(connection("bea"), Inbound.SESSION_JOIN, room).await(10, TimeUnit.SECONDS);
    HISTORY.loseReply(room, Event.USER_LEFT, "ada");
    Throwable refused = request(ada, Inbound.SESSION_LEAVE, room)
      .transform(ar -> Future.succeededFuture(ar.cause())).await(10, TimeUnit.SECONDS);
    assertThat(ErrorCode.of(refused)).isEqualTo(ErrorCode.UNAVAILABLE);
    // A later change is stored before the user-left is sent again: the user-left is no longer the latest.
    request(connection("cai"), Inbound.SESSION_JOIN, room).await(10, TimeUnit.SECONDS);

    JsonObject left = peers.next(event(Event.USER_LEFT, "ada")).await(10, TimeUnit.SECONDS).body();
    List<JsonObject> storedLeft = stored(room, Event.USER_LEFT, "ada");
    assertThat(storedLeft).hasSize(1);
    assertThat(left.getLong(Envelope.SEQ)).isEqualTo(storedLeft.get(0).getLong(Envelope.SEQ));
    assertThat(left.getJsonObject(Envelope.DATA).getJsonArray("participants").stream()
      .map(p -> ((JsonObject) p).getString("userId")).toList()).containsExactly("bea");
  }
}
