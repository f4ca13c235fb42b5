package dev.skillbus.cluster;

import static dev.skillbus.testing.Servers.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.Skillbus;
import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.Inbound;
import dev.skillbus.protocol.Internal;
import dev.skillbus.testing.BridgeClient;
import dev.skillbus.testing.Eventually;
import dev.skillbus.testing.NodeProcess;
import dev.skillbus.testing.RestClient;
import dev.skillbus.testing.RestClient.Answer;
import dev.skillbus.testing.Servers;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requests through node A while another node of the cluster, a process of its own, hangs
 * (SIGSTOP): it still counts as a member, and Hazelcast's calls to it (among them, where the users
 * whose subscriptions it holds receive, and the subscriptions it is to hold) get no answer. Node B,
 * in this JVM too, runs throughout.
 */
@DisplayName("Requests through a node while another node of the cluster hangs")
class HungPeerTest {

  static final String CLUSTER = "hung-peer-test";
  static final String ADMIN_KEY = "hung-peer-test-admin-key-0123456789";
  static final long REQUEST_TIMEOUT_S = 10;
  static final long DELIVERY_TIMEOUT_MS = 1000;
  static final int PEER_HTTP_PORT = 7295;
  static final JsonObject DELIVERED = new JsonObject().put("delivered", true).put("queued", false);
  static final JsonObject QUEUED = new JsonObject().put("delivered", false).put("queued", true);
  static Skillbus a;
  static Skillbus b;
  static NodeProcess peer;
  /** The addresses node A sent a ping of its operations part to. */
  static final Set<String> pingedByA = ConcurrentHashMap.newKeySet();

  @BeforeAll
  static void start() throws Exception {
    // A join not done within a second is taken back: a move's answer is then final within the
    // operations part's wait (a room's new subscription waits 3 s for the hung node's routes).
    JsonObject config = Servers.config(CLUSTER, 6431, 6431, 6433)
      .put("coaching", new JsonObject().put("deliveryTimeoutMs", DELIVERY_TIMEOUT_MS))
      .put("session", new JsonObject().put("joinTimeoutMs", 1000));
    config.getJsonObject("bridge").put("requestTimeoutMs", REQUEST_TIMEOUT_S * 1000);
    config.getJsonObject("bridge").getJsonObject("auth").put("adminKey", ADMIN_KEY);
    a = Servers.start(config);
    a.node().vertx().eventBus().addOutboundInterceptor(delivery -> {
      if ("ping".equals(delivery.message().headers().get("op"))) {
        pingedByA.add(delivery.message().address());
      }
      delivery.next();
    });
    b = Servers.start(Servers.config(CLUSTER, 6433, 6431, 6433));
    peer = NodeProcess.start(Map.of(
      "HTTP_PORT", Integer.toString(PEER_HTTP_PORT),
      "CLUSTER_PORT", "6432",
      "CLUSTER_MEMBERS", "127.0.0.1:6431-6433",
      "CLUSTER_NAME", CLUSTER,
      "CLUSTER_ALLOW_MEMORY_STORES", "true",
      "NOTIFY_DELIVERY_TIMEOUT_MS", "1000"));
    peer.awaitStarted(90);
    Servers.awaitClusterSafe(a);
    assertThat(a.node().clusterManager().getNodes()).hasSize(3);
    // A node's operations part pings each node that joins, so that it knows where that node is
    // before a request needs it (finding out would wait on the hung member).
    String bAddress = Address.opsNode(b.node().nodeId());
    Eventually.holds(a.node().vertx(), 50, 10_000, () -> Future.succeededFuture(pingedByA.contains(bAddress)))
      .await(15, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (peer != null) {
      peer.thaw();
      peer.kill();
    }
    for (Skillbus node : new Skillbus[] {a, b}) {
      if (node != null) {
        node.close().await(60, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  @DisplayName("each is answered within a few seconds, none with 503: written to the users connected to this node, queued for those away, and received")
  void answeredWhileAPeerHangs() throws Exception {
    BridgeClient lead = await(BridgeClient.connectAs(a.node().vertx(), a.port(), "hp-lead", "instructor"));
    List<BridgeClient> online = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      BridgeClient user = await(BridgeClient.connectAs(a.node().vertx(), a.port(), "hp-on-" + i, "learner"));
      await(user.registered("user.hp-on-" + i));
      online.add(user);
    }
    peer.freeze();
    List<Future<JsonObject>> toOnline = new ArrayList<>();
    List<Future<JsonObject>> toAway = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        toOnline.add(notify(lead, "hp-on-" + i, "on " + i));
      }
      for (int i = 0; i < 4; i++) {
        toAway.add(notify(lead, "hp-away-" + i, "away " + i));
      }
      // Within the bridge's request timeout (10 s), which answers 503 for a request still waiting.
      List<Future<JsonObject>> all = new ArrayList<>(toOnline);
      all.addAll(toAway);
      Future.join(all).await(8, TimeUnit.SECONDS);
    } finally {
      peer.thaw();
    }
    for (int i = 0; i < 8; i++) {
      assertThat(toOnline.get(i).result()).as("to hp-on-%d", i).isEqualTo(DELIVERED);
      JsonObject received = await(online.get(i).event("user.hp-on-" + i, "notification"));
      assertThat(received.getJsonObject("data").getString("message")).isEqualTo("on " + i);
    }
    for (int i = 0; i < 4; i++) {
      assertThat(toAway.get(i).result()).as("to hp-away-%d", i).isEqualTo(QUEUED);
    }
    BridgeClient back = await(BridgeClient.connectAs(a.node().vertx(), a.port(), "hp-away-0", "learner"));
    back.register("user.hp-away-0");
    assertThat(await(back.event("user.hp-away-0", "notification")).getJsonObject("data").getString("message"))
      .isEqualTo("away 0");
  }

  @Test
  @DisplayName("a notification to a user whose only connection is on the hung node is queued within the delivery time limit, and reaches them once the node is back")
  void queuedForUsersOfTheHungNode() throws Exception {
    BridgeClient lead = await(BridgeClient.connectAs(a.node().vertx(), a.port(), "hp-lead-2", "instructor"));
    List<BridgeClient> onPeer = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      BridgeClient user = await(BridgeClient.connectAs(a.node().vertx(), PEER_HTTP_PORT, "hp-peer-" + i, "learner"));
      await(user.registered("user.hp-peer-" + i));
      onPeer.add(user);
    }
    List<Future<JsonObject>> sent = new ArrayList<>();
    List<Long> millis = new java.util.concurrent.CopyOnWriteArrayList<>();
    peer.freeze();
    try {
      // Some of the users' entries fall to the hung member: where they receive is not known within
      // the lookup's time, and every node is asked, the hung one among them.
      for (int i = 0; i < 8; i++) {
        long start = System.nanoTime();
        sent.add(notify(lead, "hp-peer-" + i, "to peer " + i)
          .onComplete(done -> millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))));
      }
      Future.join(sent).await(REQUEST_TIMEOUT_S, TimeUnit.SECONDS);
    } finally {
      peer.thaw();
    }
    for (int i = 0; i < 8; i++) {
      assertThat(sent.get(i).result()).as("to hp-peer-%d", i).isEqualTo(QUEUED);
    }
    // Within the delivery time limit (1 s here), with room for the store and a loaded machine: not
    // the lookup's time, the limit and a second lookup one after the other.
    assertThat(millis).allSatisfy(took -> assertThat(took).isLessThan(DELIVERY_TIMEOUT_MS + 900));
    for (int i = 0; i < 8; i++) {
      JsonObject received = await(onPeer.get(i).event("user.hp-peer-" + i, "notification"));
      assertThat(received.getJsonObject("data").getString("message")).isEqualTo("to peer " + i);
      onPeer.get(i).close();
    }
    lead.close();
  }

  @Test
  @DisplayName("a join whose room's subscription waits on the hung node is answered within the request timeout, never left waiting for the node")
  void joinAnsweredWhileAPeerHangs() throws Exception {
    List<BridgeClient> clients = new ArrayList<>();
    List<Future<JsonObject>> joins = new ArrayList<>();
    peer.freeze();
    try {
      // Rooms whose subscriptions fall on both members' partitions: some wait on the hung one (all
      // twelve on the live one: one chance in 4096).
      for (int i = 0; i < 12; i++) {
        BridgeClient client = await(BridgeClient.connectAs(a.node().vertx(), a.port(), "hp-joiner-" + i, "learner"));
        client.register("room.hp-room-" + i);
        joins.add(client.request("session.join", new JsonObject().put("sessionId", "hp-room-" + i)));
        clients.add(client);
      }
      // A join waits for its room's subscription at most the request timeout (then 503, unsent), and
      // its service answers within it too (session.joinTimeoutMs is less): each is answered by then.
      Future.join(joins).await(2 * REQUEST_TIMEOUT_S + 2, TimeUnit.SECONDS);
    } finally {
      peer.thaw();
    }
    for (Future<JsonObject> join : joins) {
      JsonObject reply = join.result();
      assertThat("rec".equals(reply.getString("type")) || Integer.valueOf(503).equals(reply.getInteger("failureCode")))
        .as(reply.encode()).isTrue();
    }
    clients.forEach(BridgeClient::close);
  }

  @Test
  @DisplayName("an admin's move whose room's subscription waits on the hung node answers that the connection did not move, and it never moves later")
  void moveAnsweredWhileAPeerHangs() throws Exception {
    RestClient admin = RestClient.bearer(a.node().vertx(), a.port(), ADMIN_KEY);
    List<BridgeClient> clients = new ArrayList<>();
    List<Future<Answer>> moves = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      BridgeClient client = await(BridgeClient.connectAs(a.node().vertx(), a.port(), "hp-mover-" + i, "learner"));
      // A connection counts for its user from its first authenticated frame.
      await(client.call("session.leave", new JsonObject().put("sessionId", "hp-none")));
      clients.add(client);
    }
    peer.freeze();
    try {
      // As for joins, some of the twelve rooms' subscriptions wait on the hung member. The node's
      // bridge gives up on those (503 for the connection) before the operations part stops waiting
      // for it, so the answer says what happened instead of "a move there may still happen"; so
      // does a join that waits on the hung member, taken back after a second.
      for (int i = 0; i < 12; i++) {
        moves.add(admin.post("/socket/rooms/join", new JsonObject().put("roomId", "hp-move-" + i).put("userId", "hp-mover-" + i)));
      }
      Future.join(moves).await(REQUEST_TIMEOUT_S, TimeUnit.SECONDS);
    } finally {
      peer.thaw();
    }
    for (int i = 0; i < 12; i++) {
      Answer move = moves.get(i).result();
      // The connection's own request waits for its registrations, the one the move made among them.
      await(clients.get(i).call("session.leave", new JsonObject().put("sessionId", "hp-none")));
      JsonArray participants = await(Internal.participants(a.node().vertx().eventBus(), "hp-move-" + i, 5000));
      if (move.status() == 200) {
        assertThat(move.body().getInteger("connections")).isEqualTo(1);
        assertThat(participants).hasSize(1);
      } else {
        assertThat(move.status()).as(move.text()).isEqualTo(503);
        assertThat(move.body().getJsonObject("error").getString("message")).doesNotContain("may still happen");
        assertThat(participants).as("hp-mover-%d was answered not moved", i).isEmpty();
      }
    }
    clients.forEach(BridgeClient::close);
  }

  @Test
  @DisplayName("the operations API answers for the node asked and for the node that runs, naming only the hung one missing")
  void operationsWhileAPeerHangs() throws Exception {
    RestClient admin = RestClient.bearer(a.node().vertx(), a.port(), ADMIN_KEY);
    BridgeClient client = await(BridgeClient.connectAs(a.node().vertx(), a.port(), "hp-counted", "learner"));
    await(client.call("session.join", new JsonObject().put("sessionId", "hp-counted-room")));
    BridgeClient onB = await(BridgeClient.connectAs(b.node().vertx(), b.port(), "hp-counted-b", "learner"));
    await(onB.call("session.join", new JsonObject().put("sessionId", "hp-counted-room-b")));
    String hung = a.node().clusterManager().getNodes().stream()
      .filter(id -> !id.equals(a.node().nodeId()) && !id.equals(b.node().nodeId())).findFirst().orElseThrow();
    peer.freeze();
    Answer stats;
    Answer users;
    Answer connected;
    Answer rooms;
    try {
      // Four operations, four addresses: the lookup of any of them may fall to the hung member.
      stats = await(admin.get("/socket/stats"));
      users = await(admin.get("/socket/users?limit=500"));
      connected = await(admin.get("/socket/users/hp-counted/connected"));
      rooms = await(admin.get("/socket/rooms?limit=500"));
    } finally {
      peer.thaw();
    }
    // The node asked reaches itself without the cluster manager, and B at an address it knew
    // before the peer hung (each of the four operations would otherwise look up B's address).
    for (Answer answer : List.of(stats, users, connected, rooms)) {
      assertThat(answer.status()).as(answer.text()).isEqualTo(200);
      assertThat(answer.body().getBoolean("complete")).as(answer.text()).isFalse();
      assertThat(answer.body().getJsonArray("missing")).as(answer.text()).isEqualTo(new JsonArray().add(hung));
    }
    assertThat(stats.body().getJsonObject("total").getInteger("connections")).isGreaterThanOrEqualTo(2);
    assertThat(users.body().getJsonArray("items").stream().map(item -> ((JsonObject) item).getString("id")))
      .contains("hp-counted", "hp-counted-b");
    assertThat(connected.body().getBoolean("connected")).isTrue();
    assertThat(rooms.body().getJsonArray("items").stream().map(item -> ((JsonObject) item).getString("id")))
      .contains("hp-counted-room", "hp-counted-room-b");
    client.close();
    onB.close();
  }

  private static Future<JsonObject> notify(BridgeClient lead, String userId, String text) {
    return lead.call(Inbound.NOTIFY_SEND.address(), new JsonObject().put("userId", userId).put("type", "info")
      .put("message", text));
  }
}
