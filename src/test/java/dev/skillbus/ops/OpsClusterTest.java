package dev.skillbus.ops;

import static dev.skillbus.testing.Servers.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.Skillbus;
import dev.skillbus.protocol.Address;
import dev.skillbus.testing.BridgeClient;
import dev.skillbus.testing.Eventually;
import dev.skillbus.testing.Prometheus;
import dev.skillbus.testing.Prometheus.Sample;
import dev.skillbus.testing.RestClient;
import dev.skillbus.testing.RestClient.Answer;
import dev.skillbus.testing.Servers;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The operations API on a two-node cluster, with clients on both nodes: every endpoint asked on
 * one node answers for both. The last test adds a third node and kills it.
 */
@DisplayName("Operations on a two-node cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpsClusterTest {

  static final String ADMIN_KEY = "ops-test-admin-key-0123456789";
  static final long NODE_TIMEOUT_MS = 5000;
  static Skillbus a;
  static Skillbus b;
  final List<BridgeClient> clients = new ArrayList<>();

  static JsonObject config(int port) {
    return adminConfig("ops-cluster-test", port, 6401, 6403)
      .put("ops", new JsonObject().put("nodeTimeoutMs", NODE_TIMEOUT_MS).put("pageSize", 2));
  }

  /** A node's config in which {@link #ADMIN_KEY} is the admin key. */
  static JsonObject adminConfig(String cluster, int port, int firstPort, int lastPort) {
    JsonObject config = Servers.config(cluster, port, firstPort, lastPort);
    config.getJsonObject("bridge").getJsonObject("auth").put("adminKey", ADMIN_KEY);
    return config;
  }

  @BeforeAll
  static void start() throws Exception {
    a = Servers.start(config(6401));
    b = Servers.start(config(6402));
    awaitBothUp(a, b);
  }

  /**
   * The first messages between two new nodes open their event-bus connections, which can take
   * seconds on a busy machine: waits until both answer each other before testing answers.
   */
  static void awaitBothUp(Skillbus a, Skillbus b) throws Exception {
    await(Eventually.holds(a.node().vertx(), 100, 30_000, () -> Future.all(Servers.health(a), Servers.health(b))
      .map(both -> both.<Servers.Health>list().stream().allMatch(h -> "UP".equals(h.body().getString("status"))))));
  }

  @AfterAll
  static void stop() throws Exception {
    Future.join(a.close(), b.close()).await(60, TimeUnit.SECONDS);
  }

  @AfterEach
  void closeClients() throws Exception {
    await(Future.join(clients.stream().map(c -> c.close().otherwiseEmpty()).toList()));
  }

  /**
   * A client whose connection counts as its user's: it sent an authenticated frame. Clients run on
   * node A's Vert.x whichever node they connect to, so that they outlive a node that is killed.
   */
  BridgeClient connect(Skillbus node, String userId, String role) throws Exception {
    BridgeClient client = await(BridgeClient.connectAs(a.node().vertx(), node.port(), userId, role));
    clients.add(client);
    await(client.call("session.leave", new JsonObject().put("sessionId", "none")));
    return client;
  }

  BridgeClient member(Skillbus node, String userId, String room) throws Exception {
    BridgeClient client = connect(node, userId, "learner");
    client.register("room." + room);
    await(client.call("session.join", new JsonObject().put("sessionId", room)));
    return client;
  }

  static RestClient admin(Skillbus node) {
    return RestClient.bearer(node.node().vertx(), node.port(), ADMIN_KEY);
  }

  static RestClient user(Skillbus node, String userId, String role) throws Exception {
    return await(RestClient.as(node.node().vertx(), node.port(), userId, role));
  }

  static String id(Skillbus node) {
    return node.node().nodeId();
  }

  /** The item of a listing page with this id. */
  static JsonObject item(JsonObject page, String id) {
    return page.getJsonArray("items").stream().map(i -> (JsonObject) i)
      .filter(i -> id.equals(i.getString("id"))).findFirst().orElseThrow(() -> new AssertionError(id + " not in " + page));
  }

  static List<String> sorted(String... ids) {
    return java.util.Arrays.stream(ids).sorted().toList();
  }

  @Test
  @DisplayName("health needs no token and reports every node UP, with Redis not configured")
  void health() throws Exception {
    // A peer gets 300 ms to answer; on a busy machine one answer may find it late (DEGRADED): the
    // first answer that reports UP must then say all of this.
    Answer[] last = {null};
    await(Eventually.holds(b.node().vertx(), 100, 10_000, () -> RestClient.bearer(b.node().vertx(), b.port(), null)
      .get("/socket/health").map(h -> "UP".equals((last[0] = h).body().getString("status")))));
    Answer health = last[0];
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.headers().get("cache-control")).isEqualTo("no-store");
    JsonObject body = health.body();
    assertThat(body.getString("status")).isEqualTo("UP");
    assertThat(body.getString("node")).isEqualTo(id(b));
    assertThat(body.getInteger("clusterSize")).isEqualTo(2);
    assertThat(body.getString("redis")).isEqualTo("NOT_CONFIGURED");
    assertThat(body.getLong("uptime")).isNotNegative();
    assertThat(body.getJsonArray("nodes").stream().map(n -> ((JsonObject) n).getString("node")).toList())
      .isEqualTo(sorted(id(a), id(b)));
    assertThat(body.getJsonArray("nodes")).allSatisfy(n -> assertThat(((JsonObject) n).getString("status")).isEqualTo("UP"));
  }

  @Test
  @DisplayName("health of a node whose peer is stalled: 200 DEGRADED, the peer MISSING, well within a probe's second")
  void healthWithStalledPeer() throws Exception {
    Runnable resume = stall(b, LocalNode.HEALTH);
    try {
      long asked = System.nanoTime();
      Answer health = await(RestClient.bearer(a.node().vertx(), a.port(), null).get("/socket/health"));
      long tookMs = (System.nanoTime() - asked) / 1_000_000;
      assertThat(health.status()).isEqualTo(200);
      assertThat(health.body().getString("status")).isEqualTo("DEGRADED");
      assertThat(health.body().getJsonArray("nodes")).anySatisfy(n -> assertThat((JsonObject) n)
        .isEqualTo(new JsonObject().put("node", id(b)).put("status", "MISSING")));
      // Before, it waited the whole node timeout (2 s) for the stalled peer.
      assertThat(tookMs).as("not held up for the node timeout").isLessThan(2000);
    } finally {
      resume.run();
    }
  }

  @Test
  @DisplayName("admin endpoints refuse no token (401), a bad key (401) and a learner (403), and accept the admin key and an admin token")
  void adminRule() throws Exception {
    RestClient nobody = RestClient.bearer(a.node().vertx(), a.port(), null);
    RestClient badKey = RestClient.bearer(a.node().vertx(), a.port(), "not-the-admin-key-at-all");
    RestClient learner = user(a, "lee", "learner");
    RestClient adminToken = user(b, "ada", "admin");
    List<String[]> endpoints = List.of(new String[] {"GET", "/socket/stats"}, new String[] {"GET", "/socket/users"},
      new String[] {"GET", "/socket/users/lee/connected"}, new String[] {"GET", "/socket/rooms"},
      new String[] {"POST", "/socket/rooms"}, new String[] {"POST", "/socket/rooms/join"},
      new String[] {"POST", "/socket/rooms/leave"}, new String[] {"POST", "/socket/rooms/message"},
      new String[] {"POST", "/socket/notifications"}, new String[] {"GET", "/metrics"});
    for (String[] endpoint : endpoints) {
      HttpMethod method = HttpMethod.valueOf(endpoint[0]);
      String body = method == HttpMethod.POST ? "{}" : null;
      assertThat(await(nobody.send(method, endpoint[1], body)).status()).as("no token " + endpoint[1]).isEqualTo(401);
      assertThat(await(badKey.send(method, endpoint[1], body)).status()).as("bad key " + endpoint[1]).isEqualTo(401);
      Answer refused = await(learner.send(method, endpoint[1], body));
      assertThat(refused.status()).as("learner " + endpoint[1]).isEqualTo(403);
      assertThat(refused.body().getJsonObject("error").getInteger("code")).isEqualTo(403);
      assertThat(await(admin(a).send(method, endpoint[1], body)).status()).as("admin key " + endpoint[1]).isIn(200, 400);
    }
    assertThat(await(adminToken.get("/socket/stats")).status()).isEqualTo(200);
    JsonObject fromBrowser = await(connect(a, "sly", "admin").request("ops.stats", new JsonObject()));
    assertThat(fromBrowser.getInteger("failureCode")).isEqualTo(403);
  }

  @Test
  @DisplayName("stats count connections, users and rooms of both nodes, each user once, with traffic and events")
  void stats() throws Exception {
    member(a, "st-ann", "st-room");
    member(b, "st-ben", "st-room");
    member(a, "st-cy", "st-room");
    member(b, "st-cy", "st-other");
    await(Eventually.holds(a.node().vertx(), 50, 10_000, () -> admin(b).get("/socket/stats").map(s ->
      s.body().getJsonObject("total").getInteger("connections") == 4)));

    JsonObject stats = await(admin(b).get("/socket/stats")).body();
    JsonObject total = stats.getJsonObject("total");
    assertThat(stats.getBoolean("complete")).isTrue();
    assertThat(stats.getJsonArray("missing")).isEmpty();
    assertThat(stats.getInteger("clusterSize")).isEqualTo(2);
    assertThat(total.getInteger("users")).isEqualTo(3);
    assertThat(total.getInteger("rooms")).isEqualTo(2);
    assertThat(total.getJsonObject("messagesIn").getLong("total")).isPositive();
    assertThat(total.getJsonObject("messagesOut").getLong("total")).isPositive();
    assertThat(total.getJsonObject("messagesIn").getDouble("perSecond")).isNotNegative();
    assertThat(total.getJsonObject("events").getLong("user-joined")).isGreaterThanOrEqualTo(4);
    List<JsonObject> nodes = stats.getJsonArray("nodes").stream().map(n -> (JsonObject) n).toList();
    assertThat(nodes).extracting(n -> n.getString("node")).isEqualTo(sorted(id(a), id(b)));
    assertThat(nodes).allSatisfy(n -> {
      assertThat(n.getInteger("connections")).isEqualTo(2);
      assertThat(n.getInteger("users")).isEqualTo(2);
      assertThat(n.containsKey("userIds")).isFalse();
    });
    assertThat(nodes).extracting(n -> n.getInteger("rooms")).containsExactlyInAnyOrder(1, 2);
  }

  @Test
  @DisplayName("stats and the room listing come from the nodes' own answers: a stalled node is named missing and holds nothing up")
  void stalledNode() throws Exception {
    member(a, "sm-ann", "sm-room");
    member(b, "sm-ben", "sm-room");
    member(b, "sm-cy", "sm-other");
    await(Eventually.holds(a.node().vertx(), 50, 10_000, () -> admin(a).get("/socket/rooms?limit=500").map(r ->
      r.body().getBoolean("complete") && item(r.body(), "sm-room").getInteger("members") == 2)));
    Runnable resume = stall(b, LocalNode.STATS, LocalNode.ROOMS);
    try {
      Answer answer = await(admin(a).get("/socket/stats"));
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.body().getBoolean("complete")).isFalse();
      assertThat(answer.body().getJsonArray("missing")).containsExactly(id(b));
      assertThat(answer.body().getJsonObject("total").getInteger("rooms")).isEqualTo(1);
      assertThat(answer.body().getJsonArray("nodes")).allSatisfy(n -> assertThat(((JsonObject) n).containsKey("roomIds")).isFalse());

      Answer listing = await(admin(a).get("/socket/rooms?limit=500"));
      assertThat(listing.status()).isEqualTo(200);
      assertThat(listing.body().getBoolean("complete")).isFalse();
      assertThat(listing.body().getJsonArray("missing")).containsExactly(id(b));
      JsonObject room = item(listing.body(), "sm-room");
      assertThat(room.getInteger("members")).as("node B's member is not counted").isEqualTo(1);
      assertThat(room.getInteger("connections")).isEqualTo(1);
      assertThat(listing.body().getJsonArray("items").stream().map(i -> ((JsonObject) i).getString("id")))
        .as("a room only node B has members in").doesNotContain("sm-other");
    } finally {
      resume.run();
    }
  }

  /** Makes the node do what a stalled node does with these operations: never answer. Returns what undoes it. */
  static Runnable stall(Skillbus node, String... operations) {
    Set<String> addresses = Arrays.stream(operations).map(o -> Address.opsNode(id(node), o)).collect(Collectors.toSet());
    Handler<DeliveryContext<Object>> stalled = delivery -> {
      if (!addresses.contains(delivery.message().address())) {
        delivery.next();
      }
    };
    node.node().vertx().eventBus().addInboundInterceptor(stalled);
    return () -> node.node().vertx().eventBus().removeInboundInterceptor(stalled);
  }

  @Test
  @DisplayName("a move of a user whose node does not answer in time is a 503, not a 404: it may still happen there")
  void moveOnStalledNode() throws Exception {
    member(b, "mvs-gus", "mvs-room");
    Runnable resume = stall(b, LocalNode.JOIN, LocalNode.LEAVE);
    try {
      for (String path : List.of("/socket/rooms/join", "/socket/rooms/leave")) {
        Answer answer = await(admin(a).post(path, new JsonObject().put("roomId", "mvs-elsewhere").put("userId", "mvs-gus")));
        assertThat(answer.status()).as(path).isEqualTo(503);
        assertThat(answer.body().getJsonObject("error").getString("message")).contains("did not answer in time");
      }
    } finally {
      resume.run();
    }
    Answer unknown = await(admin(a).post("/socket/rooms/join", new JsonObject().put("roomId", "mvs-room").put("userId", "mvs-nobody")));
    assertThat(unknown.status()).isEqualTo(404);
  }

  @Test
  @DisplayName("users are listed a page at a time across nodes, and a user's connections are found on any node")
  void users() throws Exception {
    member(a, "us-amy", "us-room");
    member(b, "us-amy", "us-room2");
    connect(b, "us-bo", "instructor");
    Answer page = await(admin(a).get("/socket/users?limit=50"));
    JsonObject amy = item(page.body(), "us-amy");
    assertThat(amy.getString("name")).isEqualTo("User us-amy");
    assertThat(amy.getString("role")).isEqualTo("learner");
    assertThat(amy.getInteger("connections")).isEqualTo(2);
    assertThat(amy.getJsonArray("nodes")).isEqualTo(new JsonArray(sorted(id(a), id(b))));
    assertThat(amy.getJsonArray("rooms")).containsExactly("us-room", "us-room2");
    assertThat(amy.getString("connectedAt")).isNotBlank();
    assertThat(page.body().getBoolean("complete")).isTrue();

    JsonObject first = await(admin(b).get("/socket/users")).body();
    assertThat(first.getInteger("limit")).isEqualTo(2);
    assertThat(first.getJsonArray("items")).hasSize(2);
    JsonObject second = await(admin(b).get("/socket/users?offset=1&limit=1")).body();
    assertThat(second.getJsonArray("items").getJsonObject(0)).isEqualTo(first.getJsonArray("items").getJsonObject(1));

    JsonObject connected = await(admin(b).get("/socket/users/us-amy/connected")).body();
    assertThat(connected.getBoolean("connected")).isTrue();
    assertThat(connected.getInteger("connections")).isEqualTo(2);
    JsonObject away = await(admin(b).get("/socket/users/nobody-here/connected")).body();
    assertThat(away.getMap()).containsEntry("connected", false).containsEntry("connections", 0);
  }

  @Test
  @DisplayName("bad paging values and ids are refused with 400 naming the field, unknown paths with 404")
  void badQueries() throws Exception {
    for (String query : List.of("limit=0", "limit=-1", "limit=abc", "limit=501", "offset=-3", "offset=x")) {
      for (String path : List.of("/socket/users?", "/socket/rooms?")) {
        Answer answer = await(admin(a).get(path + query));
        assertThat(answer.status()).as(path + query).isEqualTo(400);
        assertThat(answer.body().getJsonObject("error").getString("message")).contains(query.split("=")[0]);
      }
    }
    assertThat(await(admin(a).get("/socket/users/bad%20id!/connected")).status()).isEqualTo(400);
    assertThat(await(admin(a).get("/socket/nothing")).body().getJsonObject("error").getInteger("code")).isEqualTo(404);
  }

  @Test
  @DisplayName("rooms are listed with members on both nodes, creation time, last seq and whether private")
  void rooms() throws Exception {
    member(a, "ro-al", "ro-room");
    BridgeClient bea = member(b, "ro-bea", "ro-room");
    await(bea.call("session.message", new JsonObject().put("sessionId", "ro-room").put("text", "hi")));
    JsonObject listing = await(admin(b).get("/socket/rooms?limit=500")).body();
    JsonObject room = item(listing, "ro-room");
    assertThat(room.getInteger("members")).isEqualTo(2);
    assertThat(room.getInteger("connections")).isEqualTo(2);
    // Without Redis each node keeps its own history: node B has ro-bea's join and message.
    assertThat(room.getLong("seq")).isGreaterThanOrEqualTo(2);
    assertThat(room.getBoolean("private")).isFalse();
    assertThat(room.getString("createdAt")).isNotBlank();
    assertThat(listing.getBoolean("complete")).isTrue();
    assertThat(listing.getInteger("total")).isGreaterThanOrEqualTo(1);
  }

  @Test
  @DisplayName("a private room's rule holds on every node from its creation: others may not receive or join, named users and roles may")
  void privateRoom() throws Exception {
    JsonObject rule = new JsonObject().put("roomId", "pr-room").put("private", true)
      .put("allowedUsers", new JsonArray().add("pr-dana")).put("allowedRoles", new JsonArray().add("instructor"));
    Answer created = await(admin(a).post("/socket/rooms", rule));
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.body().getMap()).containsEntry("roomId", "pr-room").containsEntry("private", true)
      .containsEntry("createdBy", "admin-key").containsEntry("complete", true);
    assertThat(await(admin(b).post("/socket/rooms", rule)).status()).isEqualTo(409);

    BridgeClient eve = connect(b, "pr-eve", "learner");
    eve.register("room.pr-room");
    JsonObject refused = await(eve.next(f -> "err".equals(f.getString("type")) && "room.pr-room".equals(f.getString("address"))));
    assertThat(refused.getInteger("failureCode")).isEqualTo(403);
    assertThat(await(eve.request("session.join", new JsonObject().put("sessionId", "pr-room"))).getInteger("failureCode"))
      .isEqualTo(403);
    member(b, "pr-dana", "pr-room");
    BridgeClient teacher = connect(a, "pr-tom", "instructor");
    teacher.register("room.pr-room");
    await(teacher.call("session.join", new JsonObject().put("sessionId", "pr-room")));

    JsonObject listed = item(await(admin(b).get("/socket/rooms?limit=500")).body(), "pr-room");
    assertThat(listed.getMap()).containsEntry("private", true).containsEntry("members", 2);
    assertThat(listed.getJsonArray("allowedUsers")).containsExactly("pr-dana");
  }

  @Test
  @DisplayName("a room made private takes the room away from whoever registered on it before and is neither admitted nor a member")
  void privateRoomRevokesEarlierRegistrations() throws Exception {
    BridgeClient eve = connect(b, "sq-eve", "learner");
    await(eve.registered("room.sq-room"));
    BridgeClient mia = member(a, "sq-mia", "sq-room");
    JsonObject rule = new JsonObject().put("roomId", "sq-room").put("allowedUsers", new JsonArray().add("sq-dana"));
    assertThat(await(admin(a).post("/socket/rooms", rule)).status()).isEqualTo(201);
    JsonObject revoked = await(eve.next(f -> "err".equals(f.getString("type")) && "room.sq-room".equals(f.getString("address"))));
    assertThat(revoked.getInteger("failureCode")).isEqualTo(403);

    BridgeClient dana = member(b, "sq-dana", "sq-room");
    await(dana.call("session.message", new JsonObject().put("sessionId", "sq-room").put("text", "for members only")));
    // Mia, a member before the rule, stays; Dana on Eve's node gets the message, so Eve would have by
    // now, and a reply to Eve comes after anything written to her socket before it.
    await(mia.event("room.sq-room", "message"));
    await(dana.event("room.sq-room", "message"));
    await(eve.call("session.leave", new JsonObject().put("sessionId", "none")));
    assertThat(eve.unclaimedEvents("room.sq-room", "message")).isEmpty();
  }

  @Test
  @DisplayName("a room made with an empty list of allowed users or roles is private: admins only")
  void emptyListsArePrivate() throws Exception {
    for (String list : List.of("allowedUsers", "allowedRoles")) {
      String room = "el-" + list;
      Answer created = await(admin(a).post("/socket/rooms", new JsonObject().put("roomId", room).put(list, new JsonArray())));
      assertThat(created.status()).isEqualTo(201);
      assertThat(created.body().getBoolean("private")).as(list).isTrue();
      BridgeClient ned = connect(b, "el-ned", "instructor");
      assertThat(await(ned.request("session.join", new JsonObject().put("sessionId", room))).getInteger("failureCode"))
        .isEqualTo(403);
    }
  }

  @Test
  @DisplayName("malformed room bodies are refused with 400 and create nothing")
  void badRoomBodies() throws Exception {
    RestClient admin = admin(a);
    assertThat(await(admin.send(HttpMethod.POST, "/socket/rooms", "{not json")).status()).isEqualTo(400);
    assertThat(await(admin.send(HttpMethod.POST, "/socket/rooms", "[1, 2]")).status()).isEqualTo(400);
    for (JsonObject body : List.of(new JsonObject(), new JsonObject().put("roomId", "bad room"),
      new JsonObject().put("roomId", "bb-room").put("private", "yes"),
      new JsonObject().put("roomId", "bb-room").put("allowedRoles", new JsonArray().add("boss")),
      new JsonObject().put("roomId", "bb-room").put("allowedUsers", "pat"),
      new JsonObject().put("roomId", "bb-room").put("private", false).put("allowedUsers", new JsonArray().add("pat")))) {
      Answer answer = await(admin.post("/socket/rooms", body));
      assertThat(answer.status()).as(body.encode()).isEqualTo(400);
      assertThat(answer.body().getJsonObject("error").getString("message")).isNotBlank();
    }
    for (String path : List.of("/socket/rooms/join", "/socket/rooms/leave")) {
      assertThat(await(admin.post(path, new JsonObject().put("roomId", "bb-room"))).status()).isEqualTo(400);
      assertThat(await(admin.post(path, new JsonObject().put("userId", "pat"))).status()).isEqualTo(400);
    }
    JsonObject rooms = await(admin.get("/socket/rooms?limit=500")).body();
    assertThat(rooms.getJsonArray("items").stream().map(r -> ((JsonObject) r).getString("id"))).doesNotContain("bb-room");
  }

  @Test
  @DisplayName("an admin moves every connection of a user, on both nodes, into a room and out again; others see it")
  void moveUser() throws Exception {
    BridgeClient watcher = member(a, "mv-wes", "mv-room");
    BridgeClient onA = connect(a, "mv-fay", "learner");
    BridgeClient onB = connect(b, "mv-fay", "learner");
    Answer joined = await(admin(b).post("/socket/rooms/join", new JsonObject().put("roomId", "mv-room").put("userId", "mv-fay")));
    assertThat(joined.status()).isEqualTo(200);
    assertThat(joined.body().getMap()).containsEntry("connections", 2).containsEntry("complete", true);
    assertThat(await(eventAbout(watcher, "room.mv-room", "user-joined", "mv-fay")).getJsonObject("data")
      .getJsonArray("participants")).hasSize(2);
    for (BridgeClient tab : List.of(onA, onB)) {
      assertThat(await(tab.event("room.mv-room", "session-joined")).getJsonObject("data").getString("sessionId")).isEqualTo("mv-room");
    }
    await(watcher.call("session.message", new JsonObject().put("sessionId", "mv-room").put("text", "welcome")));
    assertThat(await(onB.event("room.mv-room", "message")).getJsonObject("data").getString("text")).isEqualTo("welcome");

    Answer left = await(admin(a).post("/socket/rooms/leave", new JsonObject().put("roomId", "mv-room").put("userId", "mv-fay")));
    assertThat(left.body().getMap()).containsEntry("connections", 2);
    assertThat(await(eventAbout(watcher, "room.mv-room", "user-left", "mv-fay")).getJsonObject("data")
      .getJsonArray("participants")).hasSize(1);
    JsonObject fay = item(await(admin(a).get("/socket/users?limit=500")).body(), "mv-fay");
    assertThat(fay.getJsonArray("rooms")).isEmpty();

    Answer unknown = await(admin(a).post("/socket/rooms/join", new JsonObject().put("roomId", "mv-room").put("userId", "mv-nobody")));
    assertThat(unknown.status()).isEqualTo(404);
    await(admin(a).post("/socket/rooms", new JsonObject().put("roomId", "mv-closed").put("private", true)));
    Answer refused = await(admin(a).post("/socket/rooms/join", new JsonObject().put("roomId", "mv-closed").put("userId", "mv-fay")));
    assertThat(refused.status()).isEqualTo(403);
  }

  @Test
  @DisplayName("an admin's room message is a durable event that members on both nodes receive; bad ones are refused")
  void roomMessage() throws Exception {
    BridgeClient onA = member(a, "rm-gus", "rm-room");
    BridgeClient onB = member(b, "rm-hal", "rm-room");
    Answer sent = await(admin(a).post("/socket/rooms/message", new JsonObject().put("roomId", "rm-room")
      .put("text", "Maintenance at noon").put("data", new JsonObject().put("level", "info"))));
    assertThat(sent.status()).isEqualTo(200);
    assertThat(sent.body().getMap()).containsEntry("event", "message");
    for (BridgeClient member : List.of(onA, onB)) {
      JsonObject message = await(member.event("room.rm-room", "message"));
      assertThat(message.getLong("seq")).isEqualTo(sent.body().getLong("seq"));
      assertThat(message.getJsonObject("data")).isEqualTo(new JsonObject().put("userId", "admin-key")
        .put("name", "Administrator").put("text", "Maintenance at noon").put("data", new JsonObject().put("level", "info")));
    }
    await(admin(b).post("/socket/rooms/message", new JsonObject().put("roomId", "rm-room").put("event", "status_update")
      .put("data", new JsonObject().put("status", "busy"))));
    assertThat(await(onA.event("room.rm-room", "status_update")).getJsonObject("data")).isEqualTo(new JsonObject().put("status", "busy"));

    RestClient admin = admin(b);
    assertThat(await(admin.post("/socket/rooms/message", new JsonObject().put("roomId", "rm-nowhere").put("text", "hi").put("data", 1)))
      .status()).isEqualTo(404);
    // A message's text is held to a member's rule: none, or blank, is refused and stores nothing.
    for (Object text : new Object[] {null, "", "   ", 5, "t".repeat(4001)}) {
      Answer refused = await(admin.post("/socket/rooms/message", new JsonObject().put("roomId", "rm-room").put("text", text)
        .put("data", new JsonObject())));
      assertThat(refused.status()).as(String.valueOf(text)).isEqualTo(400);
    }
    assertThat(await(admin.post("/socket/rooms/message", new JsonObject().put("roomId", "rm-room"))).status()).isEqualTo(400);
    assertThat(await(admin.post("/socket/rooms/message", new JsonObject().put("roomId", "rm-room").put("event", "user-left")
      .put("data", new JsonObject()))).status()).isEqualTo(400);
    assertThat(await(admin.post("/socket/rooms/message", new JsonObject().put("roomId", "rm-room").put("event", "status_update")
      .put("data", "text"))).status()).isEqualTo(400);
    // Without Redis each node keeps its own history: the message went through node A.
    JsonObject history = await(onA.call("session.history", new JsonObject().put("sessionId", "rm-room").put("since", 0)));
    assertThat(history.getJsonArray("events").stream().map(e -> ((JsonObject) e).getString("event")))
      .containsOnlyOnce("message");
  }

  @Test
  @DisplayName("an admin's notification reaches the user on the other node, as notify.send does; a bad one is refused")
  void notification() throws Exception {
    BridgeClient ivy = connect(b, "nt-ivy", "learner");
    await(ivy.registered("user.nt-ivy"));
    Answer sent = await(admin(a).post("/socket/notifications", new JsonObject().put("userId", "nt-ivy").put("type", "warning")
      .put("message", "Server restarts at noon")));
    assertThat(sent.status()).isEqualTo(200);
    assertThat(sent.body()).isEqualTo(new JsonObject().put("delivered", true).put("queued", false));
    JsonObject data = await(ivy.event("user.nt-ivy", "notification")).getJsonObject("data");
    assertThat(data.getString("message")).isEqualTo("Server restarts at noon");
    assertThat(data.getJsonObject("from")).isEqualTo(new JsonObject().put("id", "admin-key").put("name", "Administrator"));
    assertThat(await(admin(a).post("/socket/notifications", new JsonObject().put("userId", "nt-ivy").put("type", "loud")
      .put("message", "x"))).status()).isEqualTo(400);
  }

  @Test
  @DisplayName("/metrics is Prometheus text with every node's meters, and its counters move")
  void metrics() throws Exception {
    List<Sample> before = scrape("/metrics");
    assertThat(before.stream().map(Sample::name)).contains("skillbus_connections", "skillbus_rooms", "skillbus_node_up")
      .anyMatch(name -> name.startsWith("vertx_eventbus_")).anyMatch(name -> name.startsWith("vertx_http_server_"))
      .anyMatch(name -> name.startsWith("jvm_"));
    assertThat(Prometheus.sum(before, "skillbus_node_up", Map.of())).isEqualTo(2);
    for (Skillbus node : List.of(a, b)) {
      assertThat(before).anyMatch(s -> s.name().equals("skillbus_connections") && id(node).equals(s.labels().get("node")));
    }

    BridgeClient kim = member(b, "mx-kim", "mx-room");
    for (int i = 0; i < 5; i++) {
      kim.writeFrame(new JsonObject().put("type", "ping"));
    }
    kim.register("room.bad room");
    await(kim.next(f -> "err".equals(f.getString("type"))));
    await(admin(a).post("/socket/rooms/message", new JsonObject().put("roomId", "mx-room").put("text", "hello").put("data", "hello")));
    List<Sample> after = scrape("/metrics");
    Map<String, String> onB = Map.of("node", id(b));
    assertThat(Prometheus.sum(after, "skillbus_messages_in_total", onB) - Prometheus.sum(before, "skillbus_messages_in_total", onB))
      .isGreaterThanOrEqualTo(8);
    assertThat(Prometheus.sum(after, "skillbus_refused_frames_total", Map.of("code", "403"))
      - Prometheus.sum(before, "skillbus_refused_frames_total", Map.of("code", "403"))).isEqualTo(1);
    assertThat(Prometheus.sum(after, "skillbus_events_total", Map.of("event", "message"))
      - Prometheus.sum(before, "skillbus_events_total", Map.of("event", "message"))).isEqualTo(1);
    assertThat(Prometheus.sum(after, "skillbus_connections_opened_total", Map.of())
      - Prometheus.sum(before, "skillbus_connections_opened_total", Map.of())).isEqualTo(1);

    assertThat(scrape("/metrics?scope=node")).allSatisfy(s -> assertThat(s.labels()).containsEntry("node", id(a)));
    assertThat(await(admin(a).get("/metrics?scope=galaxy")).status()).isEqualTo(400);
  }

  @Test
  @Order(Integer.MAX_VALUE)
  @DisplayName("a node killed during a stats request is named missing in a partial answer, within the node timeout")
  void nodeKilledDuringStats() throws Exception {
    Skillbus victim = Servers.start(config(6403));
    try {
      member(a, "nl-sam", "nl-room");
      member(victim, "nl-vic", "nl-room");
      String victimId = id(victim);
      // The victim dies as the request for its stats reaches it: it never answers.
      Promise<Void> asked = Promise.promise();
      victim.node().vertx().eventBus().addInboundInterceptor(delivery -> {
        if (delivery.message().address().equals(Address.opsNode(victimId, LocalNode.STATS))) {
          asked.tryComplete();
        } else {
          delivery.next();
        }
      });
      long sent = System.nanoTime();
      Future<Answer> stats = admin(a).get("/socket/stats");
      await(asked.future());
      victim.node().hazelcast().getLifecycleService().terminate();
      victim.node().vertx().close();

      Answer answer = await(stats);
      long millis = (System.nanoTime() - sent) / 1_000_000;
      assertThat(answer.status()).isEqualTo(200);
      assertThat(millis).isBetween(NODE_TIMEOUT_MS - 100, NODE_TIMEOUT_MS + 5000);
      JsonObject body = answer.body();
      assertThat(body.getBoolean("complete")).isFalse();
      assertThat(body.getJsonArray("missing")).isEqualTo(new JsonArray().add(victimId));
      assertThat(body.getJsonArray("nodes").stream().map(n -> ((JsonObject) n).getString("node")).toList())
        .isEqualTo(sorted(id(a), id(b)));
      assertThat(body.getJsonObject("total").getInteger("connections")).isEqualTo(1);
    } finally {
      victim.node().vertx().close();
    }
  }

  /** The next envelope of this event on this address whose data is about this user. */
  static Future<JsonObject> eventAbout(BridgeClient client, String address, String event, String userId) {
    return client.next(f -> address.equals(f.getString("address")) && f.getValue("body") instanceof JsonObject body
      && event.equals(body.getString("event")) && userId.equals(body.getJsonObject("data").getString("userId")))
      .map(f -> f.getJsonObject("body"));
  }

  static List<Sample> scrape(String uri) throws Exception {
    Answer answer = await(admin(a).get(uri));
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.headers().get("content-type")).startsWith("text/plain; version=0.0.4");
    return Prometheus.parse(answer.text());
  }
}
