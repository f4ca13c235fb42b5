package dev.skillbus.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.ops.Metrics;
import dev.skillbus.protocol.Address;
import dev.skillbus.store.InMemoryRoomHistory;
import dev.skillbus.store.RoomHistory;
import dev.skillbus.store.RoomHistory.Page;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("A room's events stored through one node")
class RoomEventsOrderTest {

  /**
   * A history whose first append is made at once but answered only once {@code answered}
   * completes, as a store over a pool of connections may answer it after later ones.
   */
  static RoomHistory firstAnsweredWhen(Future<Void> answered, RoomHistory inner) {
    AtomicBoolean first = new AtomicBoolean(true);
    return (RoomHistory) Proxy.newProxyInstance(RoomHistory.class.getClassLoader(), new Class<?>[] {RoomHistory.class},
      (proxy, method, args) -> {
        Object result;
        try {
          result = method.invoke(inner, args);
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
        if (!method.getName().startsWith("append") || !first.getAndSet(false)) {
          return result;
        }
        return answered.compose(v -> (Future<?>) result);
      });
  }

  @Test
  @DisplayName("reach the room in the order of their seqs, a presence event and a message too, however the store's answers come back")
  void inSeqOrder(Vertx vertx) throws Exception {
    Promise<Void> firstAnswer = Promise.promise();
    RoomHistory history = firstAnsweredWhen(firstAnswer.future(), new InMemoryRoomHistory(100, 3600));
    RoomEvents events = new RoomEvents(vertx.eventBus(), history, new RoomSweeper(vertx, null, history, 3600),
      Metrics.create(), new Page(100, 1 << 20));
    List<Long> received = new ArrayList<>();
    Promise<Void> both = Promise.promise();
    vertx.eventBus().<Buffer>consumer(Address.room("order-room"), m -> {
      received.add(new JsonObject(m.body()).getLong("seq"));
      if (received.size() == 2) {
        both.complete();
      }
    }).completion().await(5, TimeUnit.SECONDS);

    Future<?> left = events.presence("order-room", "user-left", new JsonObject().put("userId", "ann"), 1, "change-1");
    Future<?> message = events.durable("order-room", "message", new JsonObject().put("text", "hi"));
    // The presence event is stored (seq 1), and its answer comes back after the message was asked for.
    firstAnswer.complete();
    Future.all(left, message).await(5, TimeUnit.SECONDS);
    both.future().await(5, TimeUnit.SECONDS);

    assertThat(received).containsExactly(1L, 2L);
  }
}
