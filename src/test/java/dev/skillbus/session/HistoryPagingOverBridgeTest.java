package dev.skillbus.session;

import static dev.skillbus.testing.Servers.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.Skillbus;
import dev.skillbus.testing.BridgeClient;
import dev.skillbus.testing.Servers;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@code session.history} and a join's {@code missed} answer one page at a time, through the bridge. */
@DisplayName("A room's history read page by page")
class HistoryPagingOverBridgeTest {

  static final int PAGE_MAX_EVENTS = 3;
  /** Room for three short events, or two of {@link #LONG_TEXT} characters. */
  static final int PAGE_MAX_BYTES = 4096;
  static final int LONG_TEXT = 1500;
  static Skillbus node;
  static Vertx vertx;

  @BeforeAll
  static void start() throws Exception {
    JsonObject config = Servers.config("history-paging-test", 5955, 5955, 5955);
    config.put("session", new JsonObject().put("history", new JsonObject()
      .put("maxEvents", 100).put("pageMaxEvents", PAGE_MAX_EVENTS).put("pageMaxBytes", PAGE_MAX_BYTES)));
    node = Servers.start(config);
    vertx = node.node().vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close().await(30, TimeUnit.SECONDS);
  }

  /** A member of {@code room} who then sent {@code messages} messages: the room is at seq 1 + messages. */
  static BridgeClient talker(String userId, String room, int messages) throws Exception {
    BridgeClient client = Servers.member(node, userId, room);
    for (int i = 1; i <= messages; i++) {
      await(client.call("session.message", new JsonObject().put("sessionId", room).put("text", "m" + i)));
    }
    return client;
  }

  static JsonObject history(BridgeClient client, String room, long since, Object limit) throws Exception {
    JsonObject body = new JsonObject().put("sessionId", room).put("since", since);
    if (limit != null) {
      body.put("limit", limit);
    }
    return await(client.call("session.history", body));
  }

  static List<Long> seqs(JsonArray events) {
    return events.stream().map(e -> ((JsonObject) e).getLong("seq")).toList();
  }

  /** Reads on with session.history from the last seq of {@code first} while it says more: every page's seqs. */
  static List<List<Long>> readOn(BridgeClient client, String room, List<Long> first, boolean more) throws Exception {
    List<List<Long>> pages = new ArrayList<>(List.of(first));
    while (more && pages.size() < 100) {
      List<Long> last = pages.get(pages.size() - 1);
      JsonObject page = history(client, room, last.get(last.size() - 1), null);
      pages.add(seqs(page.getJsonArray("events")));
      more = page.getBoolean("more");
    }
    return pages;
  }

  static List<Long> flat(List<List<Long>> pages) {
    return pages.stream().flatMap(List::stream).toList();
  }

  @Test
  @DisplayName("session.history returns at most limit events, never more than the server's page, and says more until the last")
  void limitAndServerPage() throws Exception {
    BridgeClient host = talker("pager", "paged", 5);
    JsonObject two = history(host, "paged", 0, 2);
    assertThat(seqs(two.getJsonArray("events"))).containsExactly(1L, 2L);
    assertThat(two.getBoolean("more")).isTrue();
    assertThat(two.getBoolean("complete")).isTrue();
    assertThat(two.getLong("seq")).isEqualTo(6);

    JsonObject capped = history(host, "paged", 0, 1000);
    assertThat(seqs(capped.getJsonArray("events"))).containsExactly(1L, 2L, 3L);
    assertThat(capped.getBoolean("more")).isTrue();
    assertThat(seqs(history(host, "paged", 0, null).getJsonArray("events"))).containsExactly(1L, 2L, 3L);

    JsonObject last = history(host, "paged", 3, 1000);
    assertThat(seqs(last.getJsonArray("events"))).containsExactly(4L, 5L, 6L);
    assertThat(last.getBoolean("more")).isFalse();
    JsonObject atEnd = history(host, "paged", 6, null);
    assertThat(atEnd.getJsonArray("events")).isEmpty();
    assertThat(atEnd.getBoolean("more")).isFalse();
    host.close();
  }

  @Test
  @DisplayName("reading page after page from since gets every event once, in order")
  void everyPage() throws Exception {
    BridgeClient host = talker("reader", "read-all", 7);
    JsonObject first = history(host, "read-all", 0, 2);
    List<List<Long>> pages = readOn(host, "read-all", seqs(first.getJsonArray("events")), first.getBoolean("more"));
    assertThat(pages).containsExactly(List.of(1L, 2L), List.of(3L, 4L, 5L), List.of(6L, 7L, 8L));
    host.close();
  }

  @Test
  @DisplayName("a page holds no more events than fit in the server's page bytes")
  void serverPageBytes() throws Exception {
    BridgeClient host = Servers.member(node, "long-talker", "long-texts");
    for (int i = 0; i < 4; i++) {
      await(host.call("session.message", new JsonObject().put("sessionId", "long-texts").put("text", "t".repeat(LONG_TEXT))));
    }
    JsonObject first = history(host, "long-texts", 1, null);
    assertThat(seqs(first.getJsonArray("events"))).containsExactly(2L, 3L);
    assertThat(readOn(host, "long-texts", seqs(first.getJsonArray("events")), first.getBoolean("more")))
      .containsExactly(List.of(2L, 3L), List.of(4L, 5L));
    host.close();
  }

  @Test
  @DisplayName("a history request with a limit that is not an integer from 1 to 1000 is refused with 400 and changes nothing")
  void badLimit() throws Exception {
    BridgeClient host = talker("limiter", "bad-limit", 1);
    for (Object limit : List.of(0, -1, 1001, 2.5, "2", true, new JsonObject())) {
      JsonObject reply = await(host.request("session.history", new JsonObject().put("sessionId", "bad-limit")
        .put("since", 0).put("limit", limit)));
      assertThat(reply.getString("type")).as("limit %s", limit).isEqualTo("err");
      assertThat(reply.getInteger("failureCode")).as("limit %s", limit).isEqualTo(400);
    }
    JsonObject after = history(host, "bad-limit", 0, null);
    assertThat(after.getLong("seq")).isEqualTo(2);
    assertThat(seqs(after.getJsonArray("events"))).containsExactly(1L, 2L);
    host.close();
  }

  @Test
  @DisplayName("a join with since gets one page in missed with more: true, and session.history the rest, each event once in order")
  void joinWithSincePages() throws Exception {
    BridgeClient host = talker("joiner-host", "join-paged", 5);
    BridgeClient guest = await(BridgeClient.connectAs(vertx, node.port(), "joiner-guest", "learner"));
    guest.register("room.join-paged");
    JsonObject joined = await(guest.call("session.join", new JsonObject().put("sessionId", "join-paged").put("since", 0)));
    assertThat(joined.getBoolean("recovered")).isTrue();
    assertThat(seqs(joined.getJsonArray("missed"))).containsExactly(1L, 2L, 3L);
    assertThat(joined.getBoolean("more")).isTrue();
    long seq = joined.getLong("seq");
    assertThat(seq).isEqualTo(7); // the guest's own user-joined is the last event
    List<List<Long>> pages = readOn(guest, "join-paged", seqs(joined.getJsonArray("missed")), true);
    assertThat(flat(pages)).containsExactlyElementsOf(LongStream.rangeClosed(1, seq).boxed().toList());

    JsonObject again = await(guest.call("session.join", new JsonObject().put("sessionId", "join-paged").put("since", seq - 1)));
    assertThat(seqs(again.getJsonArray("missed"))).containsExactly(seq);
    assertThat(again.getBoolean("more")).isFalse();
    host.close();
    guest.close();
  }
}
