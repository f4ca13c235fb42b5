package dev.skillbus.course;

import static dev.skillbus.testing.Servers.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.Skillbus;
import dev.skillbus.store.RoomHistory.HistorySlice;
import dev.skillbus.testing.Eventually;
import dev.skillbus.testing.Servers;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A course session's room as the session part sees it: the join reply carries the session's
 * status, and the room's history lives as long as the session, however short the idle time of
 * ordinary rooms.
 */
@DisplayName("A course session's room")
class CourseRoomTest {

  static final int ROOM_IDLE_SECONDS = 1;
  static Skillbus node;

  @BeforeAll
  static void start() throws Exception {
    JsonObject config = Servers.config("course-room-test", 6216, 6216, 6216);
    config.put("session", new JsonObject().put("roomIdleSeconds", ROOM_IDLE_SECONDS).put("sweepIntervalSeconds", 1));
    config.put("course", new JsonObject().put("template", new JsonObject().put("paceMs", 20))
      .put("sessionTtlSeconds", 900));
    node = Servers.start(config);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close().await(30, TimeUnit.SECONDS);
  }

  static HistorySlice history(String roomId) throws Exception {
    return await(node.stores().history().since(roomId, 0, null));
  }

  @Test
  @DisplayName("the join reply carries the session's status; an ordinary room's reply has none")
  void joinReplyStatus() throws Exception {
    CourseClient owner = CourseClient.connect(node, "cara", "learner");
    String sessionId = owner.generate("Knots", null);
    JsonObject reply = owner.join(sessionId, null, null);
    assertThat(reply.getJsonObject("status").getString("sessionId")).isEqualTo(sessionId);
    assertThat(reply.getJsonObject("status").getString("status")).isIn("running", "completed");
    assertThat(reply.getJsonObject("status").getString("topic")).isEqualTo("Knots");
    owner.untilComplete(sessionId);
    JsonObject after = owner.join(sessionId, null, null);
    assertThat(after.getJsonObject("status").getString("status")).isEqualTo("completed");

    JsonObject plain = await(owner.bridge.call("session.join", new JsonObject().put("sessionId", "plain-knots")));
    assertThat(plain.containsKey("status")).isFalse();
    JsonObject unknown = await(owner.bridge.call("session.join", new JsonObject().put("sessionId", "course_1_none")));
    assertThat(unknown.containsKey("status")).isFalse();
    owner.close();
  }

  @Test
  @DisplayName("its history outlives the idle time of ordinary rooms while the session lives: a late joiner gets it all")
  void historyOutlivesIdleRooms() throws Exception {
    CourseClient owner = CourseClient.connect(node, "olaf", "learner");
    String sessionId = owner.generate("Sourdough", null);
    owner.join(sessionId, 0L, null);
    owner.untilComplete(sessionId);
    await(owner.bridge.call("session.leave", new JsonObject().put("sessionId", sessionId)));
    // An ordinary room, left after the course room: once it is forgotten, the sweeper has passed
    // both rooms idle for longer than ROOM_IDLE_SECONDS.
    await(owner.bridge.call("session.join", new JsonObject().put("sessionId", "witness-room")));
    await(owner.bridge.call("session.leave", new JsonObject().put("sessionId", "witness-room")));
    assertThat(history("witness-room").seq()).isPositive();
    await(Eventually.holds(node.node().vertx(), 100, 15_000, () -> node.stores().history()
      .since("witness-room", 0, null).map(slice -> slice.seq() == 0)));

    assertThat(history(sessionId).events()).extracting(e -> e.getString("event")).contains(CourseClient.COMPLETE);
    CourseClient late = CourseClient.connect(node, "lena", "learner");
    JsonObject reply = late.join(sessionId, 0L, null);
    assertThat(reply.getBoolean("recovered")).isTrue();
    JsonArray missed = reply.getJsonArray("missed");
    assertThat(missed.stream().map(e -> ((JsonObject) e).getString("event"))).contains(CourseClient.UPDATE, CourseClient.COMPLETE);
    late.close();
    owner.close();
  }
}
