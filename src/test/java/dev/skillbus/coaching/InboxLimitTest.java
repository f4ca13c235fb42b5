package dev.skillbus.coaching;

import static dev.skillbus.testing.Servers.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.Skillbus;
import dev.skillbus.testing.BridgeClient;
import dev.skillbus.testing.RestClient;
import dev.skillbus.testing.RestClient.Answer;
import dev.skillbus.testing.Servers;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The limit on the number of offline inboxes ({@code INBOX_MAX_USERS}), as a caller sees it, on one node. */
@DisplayName("The limit on offline inboxes")
class InboxLimitTest {

  static final JsonObject QUEUED = new JsonObject().put("delivered", false).put("queued", true);
  static Skillbus node;
  static Vertx vertx;

  @BeforeAll
  static void start() throws Exception {
    JsonObject config = Servers.config("inbox-limit-test", 6320, 6320, 6320)
      .put("store", new JsonObject().put("inbox", new JsonObject().put("maxUsers", 2)));
    node = Servers.start(config);
    vertx = node.node().vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close().await(30, TimeUnit.SECONDS);
  }

  static BridgeClient connect(String userId, String role) throws Exception {
    return await(BridgeClient.connectAs(vertx, node.port(), userId, role));
  }

  static JsonObject notification(String userId, String message) {
    return new JsonObject().put("userId", userId).put("type", "info").put("message", message);
  }

  @Test
  @DisplayName("one inbox too many is refused with 413 over the bridge and REST, nothing queued; existing inboxes still queue, a drained one frees its place")
  void refusesOneInboxTooMany() throws Exception {
    BridgeClient lead = connect("lia", "team_leader");
    assertThat(await(lead.call("notify.send", notification("ana", "First")))).isEqualTo(QUEUED);
    assertThat(await(lead.call("notify.send", notification("ben", "First")))).isEqualTo(QUEUED);

    JsonObject refused = await(lead.request("notify.send", notification("cam", "Refused")));
    assertThat(refused.getString("type")).isEqualTo("err");
    assertThat(refused.getInteger("failureCode")).isEqualTo(413);
    assertThat(refused.getString("message")).contains("INBOX_MAX_USERS");
    RestClient admin = await(RestClient.as(vertx, node.port(), "ada", "admin"));
    Answer rest = await(admin.post("/socket/notifications", notification("cam", "Refused too")));
    assertThat(rest.status()).isEqualTo(413);
    assertThat(rest.body().getJsonObject("error").getInteger("code")).isEqualTo(413);
    assertThat(await(lead.call("notify.send", notification("ana", "Second")))).isEqualTo(QUEUED);

    BridgeClient cam = connect("cam", "agent");
    await(cam.registered("user.cam"));
    assertThat(cam.unclaimedEvents("user.cam", "notification")).isEmpty();
    BridgeClient ana = connect("ana", "agent");
    await(ana.registered("user.ana"));
    assertThat(ana.unclaimedEvents("user.ana", "notification")).extracting(e -> e.getJsonObject("data").getString("message"))
      .containsExactly("First", "Second");
    await(ana.close());
    assertThat(await(lead.call("notify.send", notification("dan", "In ana's place")))).isEqualTo(QUEUED);
    lead.close();
    cam.close();
  }
}
