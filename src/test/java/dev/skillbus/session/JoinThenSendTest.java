package dev.skillbus.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.ClusterNode;
import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.Event;
import dev.skillbus.protocol.Inbound;
import dev.skillbus.store.InMemoryRoomHistory;
import dev.skillbus.testing.Nodes;
import dev.skillbus.testing.TestConnection;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A client that sends its first requests in a room right after its join, without waiting for the
 * join's reply (as the official bridge client lets it): they are handled after the join, in the
 * order sent, while the join is still storing its {@code user-joined}.
 */
@DisplayName("Requests sent right after a join")
class JoinThenSendTest {

  private static final Nodes NODES = new Nodes("join-then-send-test", 5894);
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

  @Test
  @DisplayName("a message sent before the join's reply is stored after the user-joined, and answered with its seq")
  void messageAfterUserJoined() throws Exception {
    String room = "room-" + UUID.randomUUID();
    TestConnection ann = new TestConnection(node.vertx(), "ann", "Ann", "learner");
    // The join's user-joined waits in the store (a slow one) while the message comes.
    HeldHistory.Hold storing = HISTORY.holdAppend(room, Event.USER_JOINED, "ann");
    Future<JsonObject> joined = ann.join(room);
    storing.arrived().await(10, TimeUnit.SECONDS);
    Future<JsonObject> said = ann.request(Inbound.SESSION_MESSAGE.address(), new JsonObject().put("sessionId", room).put("text", "hi"));
    // A request of the same connection sent after the message: once it is answered, the message was handled.
    Future<JsonObject> elsewhere = ann.request(Inbound.SESSION_HISTORY.address(), new JsonObject().put("sessionId", "not-joined").put("since", 0));
    assertThat(ErrorCode.of(elsewhere.transform(ar -> Future.succeededFuture(ar.cause())).await(10, TimeUnit.SECONDS)))
      .isEqualTo(ErrorCode.FORBIDDEN);
    storing.release();
    long joinSeq = joined.await(10, TimeUnit.SECONDS).getLong("seq");
    long messageSeq = said.await(10, TimeUnit.SECONDS).getLong("seq");
    assertThat(messageSeq).isGreaterThan(joinSeq);
    JsonArray events = ann.request(Inbound.SESSION_HISTORY.address(), new JsonObject().put("sessionId", room).put("since", 0))
      .await(10, TimeUnit.SECONDS).getJsonArray("events");
    assertThat(events.stream().map(e -> ((JsonObject) e).getString("event")).toList())
      .isEqualTo(List.of(Event.USER_JOINED, Event.MESSAGE));
  }
}
