package dev.skillbus.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.ClusterNode;
import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.Event;
import dev.skillbus.protocol.Inbound;
import dev.skillbus.store.InMemoryRoomHistory;
import dev.skillbus.store.RoomHistory;
import dev.skillbus.testing.BusProbe;
import dev.skillbus.testing.Eventually;
import dev.skillbus.testing.ForwardingHistory;
import dev.skillbus.testing.Nodes;
import dev.skillbus.testing.TestConnection;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Messages a client sends back to back, without waiting for replies: a store on another host (Redis,
 * with a pool of connections) may take concurrent appends in any order, yet the room's seqs and
 * its live events must follow the order they were sent in.
 */
@DisplayName("Messages sent back to back")
class SendOrderTest {

  private static final Nodes NODES = new Nodes("send-order-test", 5712);
  private static final int COUNT = 20;
  private static ClusterNode node;
  private static Vertx vertx;

  /**
   * A store whose appends reach it later the earlier they were made (each waits the longer), as
   * concurrent commands on a pool's several connections may: each one's seq is given when it arrives.
   */
  private static final class Reordering extends ForwardingHistory {
    private final AtomicInteger made = new AtomicInteger();

    Reordering(RoomHistory inner) {
      super(inner);
    }

    @Override
    public Future<JsonObject> append(String roomId, String event, JsonObject data) {
      long delay = 5L * (COUNT + 5 - made.incrementAndGet() % (COUNT + 5));
      Promise<JsonObject> stored = Promise.promise();
      vertx.setTimer(Math.max(1, delay), id -> super.append(roomId, event, data).onComplete(stored));
      return stored.future();
    }
  }

  @BeforeAll
  static void deploy() {
    node = NODES.start().await();
    vertx = node.vertx();
    node.vertx().deployVerticle(new SessionVerticle(node.hazelcast(), new Reordering(new InMemoryRoomHistory(1000, 3600))),
      new DeploymentOptions()).await();
  }

  @AfterAll
  static void close() {
    NODES.closeAll().await();
  }

  @Test
  @DisplayName("get their seqs, and reach the room, in the order sent")
  void inOrderSent() throws Exception {
    String room = "room-" + UUID.randomUUID();
    TestConnection ann = new TestConnection(vertx, "ann", "Ann", "learner");
    BusProbe live = BusProbe.listen(vertx, Address.room(room)).await(10, TimeUnit.SECONDS);
    ann.join(room).await(10, TimeUnit.SECONDS);
    List<Future<JsonObject>> replies = new ArrayList<>();
    for (int i = 0; i < COUNT; i++) {
      replies.add(ann.request(Inbound.SESSION_MESSAGE.address(), new JsonObject().put("sessionId", room).put("text", "m" + i)));
    }
    List<Long> seqs = new ArrayList<>();
    for (Future<JsonObject> reply : replies) {
      seqs.add(reply.await(10, TimeUnit.SECONDS).getLong("seq"));
    }
    assertThat(seqs).isSorted().doesNotHaveDuplicates();
    Eventually.holds(vertx, 20, 10_000, () -> Future.succeededFuture(live.all(BusProbe.event(Event.MESSAGE)).size() == COUNT))
      .await(15, TimeUnit.SECONDS);
    List<JsonObject> events = live.all(BusProbe.event(Event.MESSAGE));
    assertThat(events.stream().map(e -> e.getJsonObject("data").getString("text")).toList())
      .isEqualTo(java.util.stream.IntStream.range(0, COUNT).mapToObj(i -> "m" + i).toList());
    assertThat(events.stream().map(e -> e.getLong("seq")).toList()).isEqualTo(seqs);
    live.close().await(10, TimeUnit.SECONDS);
  }
}
