package dev.skillbus.ops;

import static dev.skillbus.testing.Servers.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.Skillbus;
import dev.skillbus.testing.BridgeClient;
import dev.skillbus.testing.RestClient;
import dev.skillbus.testing.RestClient.Answer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Who may use the operations API, and its listings of users and rooms, on a two-node cluster: a
 * listing asked on one node holds both nodes' users and rooms.
 */
@DisplayName("Operations on a two-node cluster: the admin rule and the user and room listings")
class OpsListingsTest extends OpsClusterFixture {

  static RestClient user(Skillbus node, String userId, String role) throws Exception {
    return await(RestClient.as(node.node().vertx(), node.port(), userId, role));
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
  @DisplayName("bad or repeated paging values and ids are refused with 400 naming the field, unknown paths with 404")
  void badQueries() throws Exception {
    for (String query : List.of("limit=0", "limit=-1", "limit=abc", "limit=501", "offset=-3", "offset=x",
        "limit=1&limit=2", "offset=0&offset=5")) {
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
}
