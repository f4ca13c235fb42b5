package dev.skillbus.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.Skillbus;
import static dev.skillbus.testing.Servers.await;
import static dev.skillbus.testing.Servers.member;

import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.Envelope;
import dev.skillbus.protocol.Outbound;
import dev.skillbus.testing.BridgeClient;
import dev.skillbus.testing.Eventually;
import dev.skillbus.testing.Servers;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Two skillbus nodes in one cluster")
class TwoNodeClusterTest {

  static Skillbus a;
  static Skillbus b;

  @BeforeAll
  static void start() throws Exception {
    a = Servers.start(Servers.config("two-node-test", 5921, 5921, 5922));
    b = Servers.start(Servers.config("two-node-test", 5922, 5921, 5922));
  }

  @AfterAll
  static void stop() throws Exception {
    Future.join(a.close(), b.close()).await(60, TimeUnit.SECONDS);
  }

  static List<String> userIds(JsonArray participants) {
    return participants.stream().map(p -> ((JsonObject) p).getString("userId")).sorted().toList();
  }

  @Test
  @DisplayName("clients on different nodes see each other's join, cursor, activity and leave")
  void eventsCrossNodes() throws Exception {
    BridgeClient ann = member(a, "ann", "cross");
    BridgeClient ben = member(b, "ben", "cross");
    JsonObject joined = await(ann.event("room.cross", "user-joined"));
    assertThat(joined.getJsonObject("data").getString("userId")).isIn("ann", "ben");
    if (!"ben".equals(joined.getJsonObject("data").getString("userId"))) {
      joined = await(ann.event("room.cross", "user-joined"));
    }
    assertThat(userIds(joined.getJsonObject("data").getJsonArray("participants"))).containsExactly("ann", "ben");

    ben.send("session.cursor", new JsonObject().put("sessionId", "cross").put("line", 12).put("column", 4));
    JsonObject cursor = await(ann.event("room.cross", "cursor-moved")).getJsonObject("data");
    assertThat(cursor.getString("userId")).isEqualTo("ben");
    assertThat(cursor.getJsonObject("cursor")).isEqualTo(new JsonObject().put("line", 12).put("column", 4));

    ann.send("session.activity", new JsonObject().put("sessionId", "cross").put("isActive", false));
    JsonObject activity = await(ben.event("room.cross", "user-activity-changed")).getJsonObject("data");
    assertThat(activity).isEqualTo(new JsonObject().put("userId", "ann").put("isActive", false));

    await(ben.call("session.leave", new JsonObject().put("sessionId", "cross")));
    JsonObject left = await(ann.event("room.cross", "user-left")).getJsonObject("data");
    assertThat(left.getString("userId")).isEqualTo("ben");
    assertThat(userIds(left.getJsonArray("participants"))).containsExactly("ann");
    ann.close();
    ben.close();
  }

  @Test
  @DisplayName("a join on one node is in the participants list on the other at once, cursor and activity included")
  void participantsAgree() throws Exception {
    BridgeClient cid = member(a, "cid", "agree");
    await(cid.call("session.cursor", new JsonObject().put("sessionId", "agree").put("line", 1).put("column", 2)));
    // Activity is replied once recorded.
    await(cid.call("session.activity", new JsonObject().put("sessionId", "agree").put("isActive", true)));
    BridgeClient dee = await(BridgeClient.connectAs(b.node().vertx(), b.port(), "dee", "instructor"));
    JsonObject fromB = await(dee.call("session.join", new JsonObject().put("sessionId", "agree")));
    JsonObject fromA = await(cid.call("session.join", new JsonObject().put("sessionId", "agree")));
    assertThat(userIds(fromB.getJsonArray("participants"))).containsExactly("cid", "dee");
    assertThat(fromA.getJsonArray("participants")).isEqualTo(fromB.getJsonArray("participants"));
    JsonObject cidState = fromB.getJsonArray("participants").getJsonObject(0);
    assertThat(cidState.getString("role")).isEqualTo("learner");
    assertThat(cidState.getBoolean("isActive")).isTrue();
    // Cursors reach the participants list within one record interval (1 s); live events are immediate.
    JsonObject expected = new JsonObject().put("line", 1).put("column", 2);
    await(Eventually.holds(b.node().vertx(), 100, 5000, () -> dee.call("session.join", new JsonObject().put("sessionId", "agree"))
      .map(r -> expected.equals(r.getJsonArray("participants").getJsonObject(0).getJsonObject("cursor")))));
    cid.close();
    dee.close();
  }

  @Test
  @DisplayName("a user with tabs on both nodes leaves only when the last tab closes")
  void twoTabsOnTwoNodes() throws Exception {
    BridgeClient watcher = member(a, "wes", "tabs");
    BridgeClient tab1 = member(a, "fay", "tabs");
    BridgeClient tab2 = member(b, "fay", "tabs");
    await(tab1.close());
    await(tab2.call("session.history", new JsonObject().put("sessionId", "tabs").put("since", 0)));
    JsonObject state = await(watcher.call("session.join", new JsonObject().put("sessionId", "tabs")));
    assertThat(userIds(state.getJsonArray("participants"))).containsExactly("fay", "wes");
    await(tab2.close());
    JsonObject left = await(watcher.event("room.tabs", "user-left")).getJsonObject("data");
    assertThat(left.getString("userId")).isEqualTo("fay");
    assertThat(watcher.unclaimedEvents("room.tabs", "user-joined")).extracting(e -> e.getJsonObject("data").getString("userId"))
      .containsOnlyOnce("fay");
    watcher.close();
  }

  @Test
  @DisplayName("a node holds one cluster subscription per room, however many local sockets are in it")
  void oneSubscriptionPerRoomPerNode() throws Exception {
    BridgeClient[] members = new BridgeClient[4];
    for (int i = 0; i < members.length; i++) {
      members[i] = member(a, "sub" + i, "subs");
    }
    int subscriptions = a.node().hazelcast().getMultiMap("__vertx.subs").get("room.subs").size();
    assertThat(subscriptions).isEqualTo(1);
    for (BridgeClient member : members) {
      member.close();
    }
  }

  @Test
  @DisplayName("an event published on one node right after a registration on the other is in place reaches the new member")
  void joinedMeansRouted() throws Exception {
    for (int i = 0; i < 10; i++) {
      String room = "routed-" + i;
      // Node A knows the room (it has a member and published its join) before B's member arrives.
      BridgeClient first = member(a, "first-" + i, room);
      BridgeClient late = await(BridgeClient.connectAs(b.node().vertx(), b.port(), "late-" + i, "learner"));
      late.register(Address.room(room));
      // A request after the register is answered once the registration is in place.
      await(late.call("session.leave", new JsonObject().put("sessionId", room)));
      Outbound.publish(a.node().vertx().eventBus(), Address.room(room),
        Envelope.of("message", room, new JsonObject().put("text", "right after the join")));
      JsonObject event = await(late.event(Address.room(room), "message"));
      assertThat(event.getJsonObject("data").getString("text")).isEqualTo("right after the join");
      first.close();
      late.close();
    }
  }

  @Test
  @DisplayName("an event a node publishes right after its own new member registered reaches that member")
  void joinedMeansRoutedHereToo() throws Exception {
    for (int i = 0; i < 30; i++) {
      String user = "two-tabs-" + i;
      String address = Address.user(user);
      BridgeClient tabOnA = await(BridgeClient.connectAs(a.node().vertx(), a.port(), user, "learner"));
      BridgeClient tabOnB = await(BridgeClient.connectAs(b.node().vertx(), b.port(), user, "learner"));
      // The first tab's registration has B publish on the address (a probe): B routes it to A alone,
      // and learns of its own second tab's subscription only when it next refreshes that route.
      await(tabOnA.registered(address));
      await(tabOnB.registered(address));
      Outbound.publish(b.node().vertx().eventBus(), address, Envelope.of("notification", null, new JsonObject().put("n", i)));
      for (BridgeClient tab : List.of(tabOnA, tabOnB)) {
        assertThat(await(tab.event(address, "notification")).getJsonObject("data").getInteger("n")).isEqualTo(i);
      }
      tabOnA.close();
      tabOnB.close();
    }
  }
}
