package dev.skillbus.coaching;

import static dev.skillbus.testing.Servers.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.Skillbus;
import dev.skillbus.auth.Identity;
import dev.skillbus.protocol.Inbound;
import dev.skillbus.protocol.Role;
import dev.skillbus.store.InboxStore;
import dev.skillbus.store.RedisInbox;
import dev.skillbus.store.RedisLink;
import dev.skillbus.testing.BridgeClient;
import dev.skillbus.testing.Clients;
import dev.skillbus.testing.Eventually;
import dev.skillbus.testing.Servers;
import dev.skillbus.testing.TestRedis;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Queued notifications on their way to the user's next connection, end to end over the bridge, on
 * one node with the Redis store: however large the inbox, and whatever happens to a take of it,
 * every notification answered {@code queued: true} arrives.
 */
@DisplayName("Delivering an offline inbox")
class InboxDeliveryTest {

  @RegisterExtension
  static final TestRedis REDIS = new TestRedis(6356);
  static final JsonObject QUEUED = new JsonObject().put("delivered", false).put("queued", true);
  static Skillbus node;
  static Vertx vertx;
  /** The node's inboxes, as another node sees them. */
  static RedisLink link;
  static InboxStore inboxes;

  @BeforeAll
  static void start() throws Exception {
    JsonObject config = Servers.config("inbox-delivery-test", 6350, 6350, 6350)
      .put("store", REDIS.storeConfig("inbox-delivery-test:"))
      .put("coaching", new JsonObject().put("deliveryTimeoutMs", 1000));
    node = Servers.start(config);
    vertx = node.node().vertx();
    link = REDIS.link(vertx, "inbox-delivery-test:");
    await(link.start());
    inboxes = new RedisInbox(link, 64 * 1024, 100, 3600, 1000);
  }

  @AfterAll
  static void stop() throws Exception {
    await(link.close());
    node.close().await(30, TimeUnit.SECONDS);
  }

  /** A {@code notify.send} from an instructor, served by the node's coaching part. */
  static Future<JsonObject> notify(String userId, String text, String pad) {
    DeliveryOptions options = new Identity("ib-lead", "Lead", Role.INSTRUCTOR).stamp(new DeliveryOptions(), "ib-lead-conn")
      .setLocalOnly(true);
    JsonObject body = new JsonObject().put("userId", userId).put("type", "info").put("message", text)
      .put("data", new JsonObject().put("pad", pad));
    return vertx.eventBus().<JsonObject>request(Inbound.NOTIFY_SEND.address(), body, options).map(Message::body);
  }

  /** Queues {@code count} notifications {@code n0, n1, …} for an offline user. */
  static void queue(String userId, int count, String pad) throws Exception {
    for (int i = 0; i < count; i++) {
      assertThat(await(notify(userId, "n" + i, pad))).isEqualTo(QUEUED);
    }
  }

  /** The next {@code count} notifications the client receives on its user address, as they arrive. */
  static List<JsonObject> receive(BridgeClient client, String userId, int count) throws Exception {
    List<JsonObject> received = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      received.add(await(client.event("user." + userId, "notification")));
    }
    return received;
  }

  static List<String> messages(List<JsonObject> envelopes) {
    return envelopes.stream().map(e -> e.getJsonObject("data").getString("message")).toList();
  }

  static List<String> numbered(int count) {
    return IntStream.range(0, count).mapToObj(i -> "n" + i).toList();
  }

  /** The node's count of {@code notification} events (its metric {@code skillbus_events_total}). */
  static double notificationsCounted() {
    Counter counter = node.node().metrics().registry().find("skillbus.events").tag("event", "notification").counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  @DisplayName("a notification counts once among the node's events, whether queued and written later or written at once")
  void countedOnce() throws Exception {
    double before = notificationsCounted();
    queue("ib-cat", 2, "");
    BridgeClient cat = await(BridgeClient.connectAs(vertx, node.port(), "ib-cat", "agent"));
    cat.register("user.ib-cat");
    assertThat(messages(receive(cat, "ib-cat", 2))).isEqualTo(numbered(2));
    await(cat.registered());
    assertThat(await(notify("ib-cat", "live", ""))).isEqualTo(new JsonObject().put("delivered", true).put("queued", false));
    assertThat(messages(receive(cat, "ib-cat", 1))).containsExactly("live");
    assertThat(notificationsCounted() - before).isEqualTo(3);
    await(cat.close());
  }

  @Test
  @DisplayName("notifications sent while the inbox is on its way to the user's connection come after it, in the order sent")
  void sentDuringADeliveryComeAfterIt() throws Exception {
    int count = 12;
    BridgeClient eve = registeredWhileHeld("ib-eve", count);
    List<String> expected = new ArrayList<>(numbered(count));
    for (int i = 0; i < 5; i++) {
      assertThat(await(notify("ib-eve", "live" + i, ""))).as("live%d", i).isEqualTo(QUEUED);
      expected.add("live" + i);
    }

    assertThat(messages(receive(eve, "ib-eve", count + 5))).isEqualTo(expected);
    await(eve.close());
  }

  @Test
  @DisplayName("while the store stalls, a notification to a user who can receive is still written to them")
  void deliveredWhileTheStoreStalls() throws Exception {
    BridgeClient gil = await(BridgeClient.connectAs(vertx, node.port(), "ib-gil", "agent"));
    await(gil.registered("user.ib-gil"));
    // Writes (the inbox's scripts among them) wait 2.5 s, past the node's 1 s command timeout.
    await(REDIS.command(vertx, REDIS.url(), Request.cmd(Command.CLIENT).arg("PAUSE").arg(2500).arg("WRITE")));
    assertThat(await(notify("ib-gil", "store stalled", ""))).isEqualTo(new JsonObject().put("delivered", true).put("queued", false));
    assertThat(messages(receive(gil, "ib-gil", 1))).containsExactly("store stalled");
    await(gil.close());
    // The tests after this one write again.
    await(Eventually.holds(vertx, 50, 10_000, () -> link.send(Request.cmd(Command.SET).arg("inbox-delivery-test:probe").arg("1"))
      .map(true).otherwise(false)));
  }

  @Test
  @DisplayName("more than a MiB of queued notifications reach the next connection, all of them and in order, and it stays open")
  void largeInboxArrivesWhole() throws Exception {
    int count = 100;
    queue("ib-ana", count, "p".repeat(13_000));
    BridgeClient ana = await(BridgeClient.connectAs(vertx, node.port(), "ib-ana", "agent"));
    ana.register("user.ib-ana");
    List<JsonObject> received = receive(ana, "ib-ana", count);

    assertThat(messages(received)).isEqualTo(numbered(count));
    assertThat(received.stream().mapToInt(e -> e.toBuffer().length()).sum()).isGreaterThan(1_200 * 1024);
    await(ana.registered());
    assertThat(ana.closed().isComplete()).as("closed by the server").isFalse();
    await(ana.close());
    BridgeClient again = await(BridgeClient.connectAs(vertx, node.port(), "ib-ana", "agent"));
    await(again.registered("user.ib-ana"));
    assertThat(again.unclaimedEvents("user.ib-ana", "notification")).isEmpty();
    again.close();
  }

  @Test
  @DisplayName("a take whose reply never comes (the store ran it after the node gave up) is sent again under its lease: the same connection gets every notification, in order, without waiting for the lease")
  void lostTakeIsSentAgain() throws Exception {
    int count = 20;
    // A first take, of nothing, so that Redis knows the script: the take below must be run once it may.
    BridgeClient warmUp = await(BridgeClient.connectAs(vertx, node.port(), "ib-other", "agent"));
    await(warmUp.registered("user.ib-other"));
    warmUp.close();
    queue("ib-ben", count, "");
    BridgeClient first = await(BridgeClient.connectAs(vertx, node.port(), "ib-ben", "agent"));
    // Scripts wait (a write pause) while Redis answers pings: the node's take times out (1 s), then
    // runs once the pause ends, and takes the first batch under its lease.
    await(REDIS.command(vertx, REDIS.url(), Request.cmd(Command.CLIENT).arg("PAUSE").arg(2500).arg("WRITE")));
    first.register("user.ib-ben");

    // The first take runs when the pause ends (2.5 s) and holds the batch for 10 s from then: a try
    // under another lease would find it held and get it 12.5 s from now, after this wait.
    JsonObject firstOne = first.event("user.ib-ben", "notification").await(8, TimeUnit.SECONDS);
    List<JsonObject> received = new ArrayList<>(List.of(firstOne));
    received.addAll(receive(first, "ib-ben", count - 1));
    assertThat(messages(received)).isEqualTo(numbered(count));
    // Delivered by this delivery, each batch acknowledged in turn: the inbox goes, and no lease runs.
    await(Eventually.holds(vertx, 50, 5_000, () -> link.send(Request.cmd(Command.EXISTS).arg("inbox-delivery-test:inbox:ib-ben"))
      .compose(inbox -> link.send(Request.cmd(Command.HEXISTS).arg("inbox-delivery-test:inbox:ib-ben:lease").arg("ends"))
        .map(lease -> inbox.toInteger() == 0 && lease.toInteger() == 0))));
    first.close();
  }

  @Test
  @DisplayName("over a SockJS transport too, more than a MiB of queued notifications arrive whole, and the connection stays open")
  void largeInboxArrivesWholeOverSockJs() throws Exception {
    int count = 100;
    queue("ib-sam", count, "p".repeat(13_000));
    String token = await(BridgeClient.token(vertx, node.port(), "ib-sam", "Sam", "agent"));
    Clients.Connected connected = await(Clients.websocket(vertx, new WebSocketConnectOptions()
      .setHost("127.0.0.1").setPort(node.port()).setURI("/eventbus/000/ib-sam/websocket")));
    List<String> received = new ArrayList<>();
    Promise<Void> all = Promise.promise();
    connected.socket().closeHandler(v -> all.tryFail("closed by the server: " + connected.socket().closeStatusCode()));
    connected.socket().textMessageHandler(text -> {
      // SockJS frames: "o" opens, "a[…]" carries bridge frames as JSON strings, "c[code, reason]" closes.
      if (text.startsWith("c")) {
        all.tryFail("closed by the server: " + text);
      } else if (text.startsWith("a")) {
        for (Object frame : new JsonArray(text.substring(1))) {
          received.add(new JsonObject((String) frame).getJsonObject("body").getJsonObject("data").getString("message"));
        }
        if (received.size() == count) {
          all.tryComplete();
        }
      }
    });
    JsonObject register = new JsonObject().put("type", "register").put("address", "user.ib-sam")
      .put("headers", new JsonObject().put("authorization", "Bearer " + token));
    connected.socket().writeTextMessage(new JsonArray().add(register.encode()).encode());
    try {
      await(all.future());
      assertThat(received).isEqualTo(numbered(count));
    } finally {
      Clients.closeClient(connected.client());
    }
  }

  /** Holds a batch of the user's inbox under a lease, as another node's delivery would. */
  static InboxStore.Taken holdBatch(String userId, long leaseMs) throws Exception {
    InboxStore.Taken taken = await(inboxes.take(userId, 1, leaseMs));
    assertThat(taken.messages()).hasSize(1);
    return taken;
  }

  /**
   * A connection of a user with {@code count} notifications queued that registered while another
   * node's delivery (which then died) held a batch of them, for 3 s: it gets the inbox once that ran out.
   */
  static BridgeClient registeredWhileHeld(String userId, int count) throws Exception {
    queue(userId, count, "");
    holdBatch(userId, 3000);
    BridgeClient client = await(BridgeClient.connectAs(vertx, node.port(), userId, "agent"));
    await(client.registered("user." + userId));
    return client;
  }

  /**
   * A connection over SockJS's XHR polling that registers on the user's address and then never
   * polls: nothing written to it leaves the server, and its session ends after SockJS's timeout.
   */
  static Future<Buffer> registerWithoutPolling(String userId) throws Exception {
    String token = await(BridgeClient.token(vertx, node.port(), userId, "Xhr", "agent"));
    String session = "/eventbus/000/" + UUID.randomUUID() + "/";
    String register = new JsonArray().add(new JsonObject().put("type", "register").put("address", "user." + userId)
      .put("headers", new JsonObject().put("authorization", "Bearer " + token)).encode()).encode();
    return Clients.http(vertx, http -> http.request(HttpMethod.POST, node.port(), "127.0.0.1", session + "xhr")
      .compose(HttpClientRequest::send).compose(HttpClientResponse::body)
      .compose(open -> http.request(HttpMethod.POST, node.port(), "127.0.0.1", session + "xhr_send"))
      .compose(request -> request.send(register)).compose(HttpClientResponse::body));
  }

  @Test
  @DisplayName("a notification for a user whose only connection polls no more (a tab on XHR polling that closed) is not answered delivered: it is queued, and their next connection gets it")
  void notDeliveredToAConnectionThatDoesNotPoll() throws Exception {
    await(registerWithoutPolling("ib-fay"));
    await(Eventually.holds(vertx, 20, 5_000, () -> Future.<Boolean>future(found -> node.node().clusterManager()
      .getRegistrations("user.ib-fay", (registrations, err) -> found.complete(err == null && !registrations.isEmpty())))));

    assertThat(await(notify("ib-fay", "to a closed tab", ""))).isEqualTo(QUEUED);
    BridgeClient fay = await(BridgeClient.connectAs(vertx, node.port(), "ib-fay", "agent"));
    fay.register("user.ib-fay");
    assertThat(messages(receive(fay, "ib-fay", 1))).containsExactly("to a closed tab");
    fay.close();
  }

  @Test
  @DisplayName("a connection that registered while another delivery held the inbox gets it once that lease ran out")
  void heldInboxComesOnceTheLeaseRanOut() throws Exception {
    int count = 12;
    BridgeClient cy = registeredWhileHeld("ib-cy", count);

    assertThat(messages(receive(cy, "ib-cy", count))).isEqualTo(numbered(count));
    cy.close();
  }

  @Test
  @DisplayName("a delivery that stops with notifications left (its connection takes nothing) hands them to the user's other connection, from the first one it did not get out")
  void stoppedDeliveryHandsTheInboxOn() throws Exception {
    int count = 20;
    queue("ib-dee", count, "p".repeat(13_000));
    // A batch held for a minute, so that the connection below registers while the inbox is held.
    InboxStore.Taken held = holdBatch("ib-dee", 60_000);
    BridgeClient dee = await(BridgeClient.connectAs(vertx, node.port(), "ib-dee", "agent"));
    await(dee.registered("user.ib-dee"));
    assertThat(await(inboxes.ack("ib-dee", held.lease(), 0))).isTrue();
    assertThat(dee.unclaimedEvents("user.ib-dee", "notification")).isEmpty();

    // The next delivery goes to a connection that takes nothing: what the server wrote to it never
    // left the server, so none of it may count as delivered.
    await(registerWithoutPolling("ib-dee"));
    assertThat(messages(receive(dee, "ib-dee", count))).isEqualTo(numbered(count));
    dee.close();
  }
}

