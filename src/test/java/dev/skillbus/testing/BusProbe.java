package dev.skillbus.testing;

import dev.skillbus.protocol.Header;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Listens on an event-bus address and keeps what arrives, so a test can wait for a condition
 * ("a user-left for bob") instead of sleeping. Bodies are read as JSON whether they travel as a
 * {@code Buffer} (room and user publications) or a {@code JsonObject}.
 */
public final class BusProbe {

  /** One message as received: its JSON body and headers. */
  public record Received(JsonObject body, MultiMap headers) {
  }

  private final List<Received> received = new ArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private MessageConsumer<Object> consumer;

  private BusProbe() {
  }

  /** A cluster-wide consumer, ready once its registration reached the cluster. */
  public static Future<BusProbe> listen(Vertx vertx, String address) {
    BusProbe probe = new BusProbe();
    probe.consumer = vertx.eventBus().consumer(address, m -> {
      // Bridges on other nodes probe their new subscriptions: not events.
      if (!m.headers().contains(Header.ROUTE_PROBE)) {
        probe.add(new Received(json(m.body()), m.headers()));
      }
    });
    return probe.consumer.completion().map(probe);
  }

  /** A consumer of this node only (for node-local addresses). */
  public static Future<BusProbe> listenLocally(Vertx vertx, String address) {
    BusProbe probe = new BusProbe();
    probe.consumer = vertx.eventBus().localConsumer(address, m -> probe.add(new Received(json(m.body()), m.headers())));
    return probe.consumer.completion().map(probe);
  }

  private static JsonObject json(Object body) {
    return body instanceof Buffer buffer ? new JsonObject(buffer) : (JsonObject) body;
  }

  /** The first message, received already or later, whose body matches. */
  public synchronized Future<Received> next(Predicate<JsonObject> match) {
    for (Received r : received) {
      if (match.test(r.body())) {
        return Future.succeededFuture(r);
      }
    }
    Promise<Received> promise = Promise.promise();
    waiters.add(new Waiter(match, promise));
    return promise.future();
  }

  /** Everything received so far whose body matches, in arrival order. */
  public synchronized List<JsonObject> all(Predicate<JsonObject> match) {
    return received.stream().map(Received::body).filter(match).toList();
  }

  public Future<Void> close() {
    return consumer.unregister();
  }

  private synchronized void add(Received r) {
    received.add(r);
    waiters.removeIf(w -> w.match.test(r.body()) && w.promise.tryComplete(r));
  }

  /** Matches envelopes of one event name; combine with {@code and(...)} for data checks. */
  public static Predicate<JsonObject> event(String name) {
    return body -> name.equals(body.getString("event"));
  }

  /** Matches envelopes of one event whose {@code data.userId} is the given user. */
  public static Predicate<JsonObject> event(String name, String userId) {
    return event(name).and(body -> userId.equals(body.getJsonObject("data", new JsonObject()).getString("userId")));
  }

  private record Waiter(Predicate<JsonObject> match, Promise<Received> promise) {
  }
}
