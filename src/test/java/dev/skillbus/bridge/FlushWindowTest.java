package dev.skillbus.bridge;

import static dev.skillbus.testing.Servers.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.Skillbus;
import dev.skillbus.testing.BridgeClient;
import dev.skillbus.testing.Servers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("With a flush window on raw WebSockets")
class FlushWindowTest {

  static final int MESSAGES = 40;
  static final long WINDOW_MS = 2_000;
  static Skillbus node;
  static Vertx vertx;

  @BeforeAll
  static void start() throws Exception {
    JsonObject config = Servers.config("flush-window-test", 5981, 5981, 5981);
    // A window far longer than the time between two messages, so that frames do gather, and
    // longer than any request takes here, so that a reply held by it would show.
    config.getJsonObject("bridge").put("flushDelayMicros", WINDOW_MS * 1000);
    node = Servers.start(config);
    vertx = node.node().vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close().await(30, TimeUnit.SECONDS);
  }

  /** Connects one client per user and joins each to the room. */
  private static List<BridgeClient> joined(String room, String... users) throws Exception {
    List<BridgeClient> members = new ArrayList<>();
    for (String user : users) {
      BridgeClient client = await(BridgeClient.connectAs(vertx, node.port(), user, "learner"));
      client.register("room." + room);
      await(client.call("session.join", new JsonObject().put("sessionId", room)));
      members.add(client);
    }
    return members;
  }

  @Test
  @DisplayName("frames sent together still reach every member, each once and in order, replies included")
  void everyFrameArrivesInOrder() throws Exception {
    List<BridgeClient> members = joined("window", "author", "reader");
    BridgeClient author = members.get(0);
    BridgeClient reader = members.get(1);
    List<Future<JsonObject>> replies = new ArrayList<>();
    for (int i = 0; i < MESSAGES; i++) {
      replies.add(author.call("session.message", new JsonObject().put("sessionId", "window").put("text", "m" + i)));
    }
    List<Long> acknowledged = new ArrayList<>();
    for (Future<JsonObject> reply : replies) {
      acknowledged.add(await(reply).getLong("seq"));
    }
    List<Long> received = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < MESSAGES; i++) {
      JsonObject event = await(reader.event("room.window", "message"));
      received.add(event.getLong("seq"));
      texts.add(event.getJsonObject("data").getString("text"));
    }
    assertThat(received).isSorted().doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(acknowledged);
    assertThat(texts).first().isEqualTo("m0");
    assertThat(texts).last().isEqualTo("m" + (MESSAGES - 1));
  }

  @Test
  @DisplayName("a reply does not wait for the window that room events gather in")
  void repliesDoNotWait() throws Exception {
    BridgeClient reader = windowOpen("prompt").get(1);
    long start = System.nanoTime();
    JsonObject history = await(history(reader, "prompt"));
    assertThat(history.getJsonArray("events")).isNotEmpty();
    assertWithinHalfAWindow(start, "reply");
  }

  @Test
  @DisplayName("once a reply took the gathered events along, an event after a window of quiet leaves at once")
  void windowCountsFromTheReply() throws Exception {
    List<BridgeClient> members = windowOpen("quiet");
    BridgeClient author = members.get(0);
    BridgeClient reader = members.get(1);
    Future<JsonObject> second = reader.event("room.quiet", "message");
    say(author, "quiet", "second");
    // The reply leaves at once and takes the gathered event along.
    await(history(reader, "quiet"));
    await(second);
    // The reader is quiet for longer than a window: the time is the condition here.
    await(vertx.timer(WINDOW_MS * 3 / 2));
    Future<JsonObject> third = reader.event("room.quiet", "message");
    long start = System.nanoTime();
    say(author, "quiet", "third");
    await(third);
    assertWithinHalfAWindow(start, "event");
  }

  /**
   * Joins an author and a reader, and has the reader receive the author's first message: the
   * reader's socket was flushed just now, so its window is open and room events gather.
   */
  private static List<BridgeClient> windowOpen(String room) throws Exception {
    List<BridgeClient> members = joined(room, room + "-author", room + "-reader");
    Future<JsonObject> first = members.get(1).event("room." + room, "message");
    say(members.get(0), room, "first");
    await(first);
    return members;
  }

  private static void say(BridgeClient author, String room, String text) throws Exception {
    await(author.call("session.message", new JsonObject().put("sessionId", room).put("text", text)));
  }

  private static Future<JsonObject> history(BridgeClient reader, String room) {
    return reader.call("session.history", new JsonObject().put("sessionId", room).put("since", 0));
  }

  private static void assertWithinHalfAWindow(long startNanos, String what) {
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    assertThat(tookMs).as("%s time in ms, window %d ms", what, WINDOW_MS).isLessThan(WINDOW_MS / 2);
  }
}
