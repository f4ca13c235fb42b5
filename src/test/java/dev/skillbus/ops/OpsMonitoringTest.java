package dev.skillbus.ops;

import static dev.skillbus.testing.Servers.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.Skillbus;
import dev.skillbus.testing.BridgeClient;
import dev.skillbus.testing.Eventually;
import dev.skillbus.testing.Prometheus;
import dev.skillbus.testing.Prometheus.Sample;
import dev.skillbus.testing.RestClient;
import dev.skillbus.testing.RestClient.Answer;
import dev.skillbus.testing.Servers;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Health, stats and {@code /metrics} on a two-node cluster: asked on one node, they answer for both,
 * and a stalled node holds nothing up. The last test adds a third node and kills it.
 */
@DisplayName("Operations on a two-node cluster: health, stats and metrics")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpsMonitoringTest extends OpsClusterFixture {

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
    assertThat(health.headers().get("x-content-type-options")).as("as every REST answer").isEqualTo("nosniff");
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
    assertThat(Prometheus.sum(after, "skillbus_refused_frames_total", Map.of("code", "400"))
      - Prometheus.sum(before, "skillbus_refused_frames_total", Map.of("code", "400"))).isEqualTo(1);
    assertThat(Prometheus.sum(after, "skillbus_events_total", Map.of("event", "message"))
      - Prometheus.sum(before, "skillbus_events_total", Map.of("event", "message"))).isEqualTo(1);
    assertThat(Prometheus.sum(after, "skillbus_connections_opened_total", Map.of())
      - Prometheus.sum(before, "skillbus_connections_opened_total", Map.of())).isEqualTo(1);

    assertThat(scrape("/metrics?scope=node")).allSatisfy(s -> assertThat(s.labels()).containsEntry("node", id(a)));
    assertThat(await(admin(a).get("/metrics?scope=galaxy")).status()).isEqualTo(400);

    // HEAD, as a monitor probes: GET's status and headers, no body.
    Answer head = await(admin(a).call(HttpMethod.HEAD, "/metrics", null));
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.headers().get("content-type")).startsWith("text/plain; version=0.0.4");
    assertThat(head.text()).isEmpty();
    assertThat(head.headers().get("content-length")).isNotNull();
    // The length a HEAD answer says is the GET's: of a refusal, and of the health answer.
    RestClient anonymous = RestClient.bearer(a.node().vertx(), a.port(), null);
    Answer refusedHead = await(anonymous.call(HttpMethod.HEAD, "/metrics", null));
    Answer refused = await(anonymous.get("/metrics"));
    assertThat(refusedHead.status()).isEqualTo(401);
    assertThat(refusedHead.headers().get("content-length")).isEqualTo(refused.headers().get("content-length"))
      .isEqualTo(Integer.toString(refused.text().getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
    Answer health = await(anonymous.call(HttpMethod.HEAD, "/socket/health", null));
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.text()).isEmpty();
    assertThat(health.headers().get("content-length")).isEqualTo(await(anonymous.get("/socket/health")).headers().get("content-length"));
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
        if (isOperation(delivery, victim, Set.of(LocalNode.STATS))) {
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

  static List<Sample> scrape(String uri) throws Exception {
    Answer answer = await(admin(a).get(uri));
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.headers().get("content-type")).startsWith("text/plain; version=0.0.4");
    return Prometheus.parse(answer.text());
  }
}
