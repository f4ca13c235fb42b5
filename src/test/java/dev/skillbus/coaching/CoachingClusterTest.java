package dev.skillbus.coaching;

import static dev.skillbus.testing.Servers.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.Skillbus;
import dev.skillbus.protocol.Internal;
import dev.skillbus.testing.BridgeClient;
import dev.skillbus.testing.RestClient;
import dev.skillbus.testing.RestClient.Answer;
import dev.skillbus.testing.Servers;
import dev.skillbus.testing.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each coaching event end to end: the author on node A, the audience on node B, both nodes on one
 * Redis (as a cluster runs).
 */
@DisplayName("Coaching across two nodes")
class CoachingClusterTest {

  @RegisterExtension
  static final TestRedis REDIS = new TestRedis(6390);
  static Skillbus a;
  static Skillbus b;

  static JsonObject config(int port) {
    return Servers.config("coaching-cluster-test", port, 6301, 6302).put("store", REDIS.storeConfig("coaching-test:"));
  }

  @BeforeAll
  static void start() throws Exception {
    a = Servers.start(config(6301));
    b = Servers.start(config(6302));
  }

  @AfterAll
  static void stop() throws Exception {
    Future.join(a.close(), b.close()).await(60, TimeUnit.SECONDS);
  }

  static BridgeClient connect(Skillbus node, String userId, String role) throws Exception {
    return await(BridgeClient.connectAs(node.node().vertx(), node.port(), userId, role));
  }

  static RestClient rest(Skillbus node, String userId, String role) throws Exception {
    return await(RestClient.as(node.node().vertx(), node.port(), userId, role));
  }

  static void join(BridgeClient client, String sessionId) throws Exception {
    client.register("room." + sessionId);
    await(client.call("session.join", new JsonObject().put("sessionId", sessionId)));
  }

  @Test
  @DisplayName("a quick note reaches the agent and the session room on the other node, as inert text, and stays in the room's history")
  void quickNoteCreated() throws Exception {
    BridgeClient lead = connect(a, "lena", "team_leader");
    BridgeClient agent = connect(b, "arun", "agent");
    await(agent.registered("user.arun"));
    join(agent, "coach-1");
    String content = "<script>alert('x')</script> & great empathy";
    JsonObject note = await(lead.call("notes.create", new JsonObject().put("agentId", "arun").put("noteType", "POSITIVE")
      .put("content", content).put("priority", "HIGH").put("category", "calls").put("sessionId", "coach-1")
      .put("teamLeaderId", "mallory").put("createdBy", new JsonObject().put("id", "mallory"))));

    assertThat(note.getString("id")).isNotBlank();
    assertThat(note.getString("content")).isEqualTo(content);
    assertThat(note.getString("teamLeaderId")).isEqualTo("lena");
    assertThat(note.getJsonObject("createdBy")).isEqualTo(new JsonObject().put("id", "lena").put("name", "User lena"));
    assertThat(note.getString("createdAt")).isNotBlank();
    JsonObject toAgent = await(agent.event("user.arun", "quickNote:created"));
    assertThat(toAgent.getJsonObject("data")).isEqualTo(note);
    JsonObject inRoom = await(agent.event("room.coach-1", "quickNote:created"));
    assertThat(inRoom.getJsonObject("data")).isEqualTo(note);
    JsonObject history = await(agent.call("session.history", new JsonObject().put("sessionId", "coach-1")
      .put("since", inRoom.getLong("seq") - 1)));
    assertThat(history.getJsonArray("events").getJsonObject(0)).isEqualTo(inRoom);
    lead.close();
    agent.close();
  }

  @Test
  @DisplayName("action items are created and moved along over the bridge and REST, with their events on the other node")
  void actionItemLifeCycle() throws Exception {
    BridgeClient lead = connect(a, "lara", "team_leader");
    BridgeClient agent = connect(b, "amir", "agent");
    await(agent.registered("user.amir"));
    JsonObject item = await(lead.call("actions.create", new JsonObject().put("agentId", "amir").put("title", "Shadow Kim")
      .put("description", "Two calls").put("dueDate", "2026-03-31").put("priority", "MEDIUM").put("category", "quality")));
    assertThat(item.getString("status")).isEqualTo("open");
    assertThat(await(agent.event("user.amir", "actionItem:created")).getJsonObject("data")).isEqualTo(item);
    String id = item.getString("id");

    JsonObject started = await(agent.call("actions.update", new JsonObject().put("id", id).put("status", "in_progress")));
    assertThat(started.getString("status")).isEqualTo("in_progress");
    assertThat(started.getJsonObject("updatedBy").getString("id")).isEqualTo("amir");
    assertThat(await(agent.event("user.amir", "actionItem:updated")).getJsonObject("data")).isEqualTo(started);
    Answer done = await(rest(a, "lara", "team_leader").patch("/api/action-items/" + id, new JsonObject().put("status", "done")));
    assertThat(done.status()).isEqualTo(200);
    assertThat(done.body().getString("status")).isEqualTo("done");
    assertThat(await(agent.event("user.amir", "actionItem:updated")).getJsonObject("data")).isEqualTo(done.body());
    JsonObject reopen = await(agent.request("actions.update", new JsonObject().put("id", id).put("status", "cancelled")));
    assertThat(reopen.getInteger("failureCode")).isEqualTo(409);

    RestClient agentRest = rest(b, "amir", "agent");
    assertThat(ids(await(agentRest.get("/api/agents/amir/action-items?status=done")).body())).containsExactly(id);
    assertThat(ids(await(agentRest.get("/api/agents/amir/action-items?status=open")).body())).isEmpty();
    lead.close();
    agent.close();
  }

  static List<String> ids(JsonObject page) {
    return page.getJsonArray("items").stream().map(i -> ((JsonObject) i).getString("id")).toList();
  }

  @Test
  @DisplayName("session updates reach the room on the other node with the whole document; of two writes on one version, one wins and one gets 409 with the current version")
  void sessionUpdatesAndConflicts() throws Exception {
    BridgeClient cora = connect(a, "cora", "team_leader");
    BridgeClient cole = connect(b, "cole", "instructor");
    BridgeClient agent = connect(b, "ayla", "agent");
    join(cora, "coach-doc");
    join(agent, "coach-doc");
    JsonObject first = await(cora.call("session.update", new JsonObject().put("sessionId", "coach-doc")
      .put("updates", new JsonObject().put("discussionNotes", "Opened").put("topicsCovered", new JsonArray().add("empathy")))));
    assertThat(first.getLong("version")).isEqualTo(1);
    JsonObject updated = await(agent.event("room.coach-doc", "session:updated")).getJsonObject("data");
    JsonObject document = (JsonObject) updated.remove("document");
    assertThat(updated).isEqualTo(new JsonObject().put("sessionId", "coach-doc")
      .put("updates", new JsonObject().put("discussionNotes", "Opened").put("topicsCovered", new JsonArray().add("empathy")))
      .put("version", 1).put("updatedBy", new JsonObject().put("id", "cora").put("name", "User cora")));
    assertThat(document.getString("discussionNotes")).isEqualTo("Opened");
    assertThat(document.getJsonArray("topicsCovered")).containsExactly("empathy");

    Future<JsonObject> byCora = cora.request("session.update", new JsonObject().put("sessionId", "coach-doc")
      .put("updates", new JsonObject().put("discussionNotes", "Cora's words")).put("expectedVersion", 1));
    Future<JsonObject> byCole = cole.request("session.update", new JsonObject().put("sessionId", "coach-doc")
      .put("updates", new JsonObject().put("engagementScore", 7)).put("expectedVersion", 1));
    await(Future.all(byCora, byCole));
    List<JsonObject> replies = List.of(byCora.result(), byCole.result());
    assertThat(replies).filteredOn(r -> "rec".equals(r.getString("type"))).hasSize(1)
      .allSatisfy(r -> assertThat(r.getJsonObject("body").getLong("version")).isEqualTo(2));
    assertThat(replies).filteredOn(r -> "err".equals(r.getString("type"))).singleElement()
      .satisfies(r -> assertThat(r.getInteger("failureCode")).isEqualTo(409))
      .satisfies(r -> assertThat(r.getString("message")).contains("at version 2"));

    Answer read = await(rest(b, "ayla", "agent").get("/api/sessions/coach-doc"));
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.body().getLong("version")).isEqualTo(2);
    assertThat(read.body().getJsonArray("participants").stream().map(p -> ((JsonObject) p).getString("userId")).sorted().toList())
      .containsExactly("ayla", "cora");
    assertThat(read.body().getJsonObject("document").getJsonArray("topicsCovered")).containsExactly("empathy");
    // The winner's event holds what version 1 wrote too: a page that saw it first and ignores the
    // older event after it still shows the whole document.
    JsonObject second = await(agent.event("room.coach-doc", "session:updated")).getJsonObject("data");
    assertThat(second.getLong("version")).isEqualTo(2);
    assertThat(second.getJsonObject("document").getJsonArray("topicsCovered")).containsExactly("empathy");
    assertThat(second.getJsonObject("document").copy().put("updatedAt", "t"))
      .isEqualTo(read.body().getJsonObject("document").copy().put("updatedAt", "t"));
    cora.close();
    cole.close();
    agent.close();
  }

  @Test
  @DisplayName("a notification reaches every tab of the user, on both nodes, and says it was delivered")
  void notificationToEveryTab() throws Exception {
    BridgeClient lead = connect(a, "leo", "team_leader");
    BridgeClient tabOnA = connect(a, "nina", "agent");
    BridgeClient tabOnB = connect(b, "nina", "agent");
    await(tabOnA.registered("user.nina"));
    await(tabOnB.registered("user.nina"));
    JsonObject reply = await(lead.call("notify.send", new JsonObject().put("userId", "nina").put("type", "success")
      .put("message", "Great call").put("data", new JsonObject().put("score", 9))));
    assertThat(reply).isEqualTo(new JsonObject().put("delivered", true).put("queued", false));
    for (BridgeClient tab : List.of(tabOnA, tabOnB)) {
      JsonObject data = await(tab.event("user.nina", "notification")).getJsonObject("data");
      assertThat(data.getString("id")).isNotBlank();
      assertThat(data.getString("type")).isEqualTo("success");
      assertThat(data.getString("message")).isEqualTo("Great call");
      assertThat(data.getJsonObject("data")).isEqualTo(new JsonObject().put("score", 9));
      assertThat(data.getJsonObject("from")).isEqualTo(new JsonObject().put("id", "leo").put("name", "User leo"));
    }
    lead.close();
    tabOnA.close();
    tabOnB.close();
  }

  @Test
  @DisplayName("notifications sent while the user is away arrive once, in order, when they connect, and not again after that")
  void offlineInbox() throws Exception {
    BridgeClient lead = connect(a, "liv", "team_leader");
    for (String text : List.of("Call me", "Second thought")) {
      JsonObject reply = await(lead.call("notify.send", new JsonObject().put("userId", "omar").put("type", "warning")
        .put("message", text)));
      assertThat(reply).isEqualTo(new JsonObject().put("delivered", false).put("queued", true));
    }
    BridgeClient first = connect(b, "omar", "agent");
    await(first.registered("user.omar"));
    assertThat(first.unclaimedEvents("user.omar", "notification")).extracting(e -> e.getJsonObject("data").getString("message"))
      .containsExactly("Call me", "Second thought");
    await(first.close());

    BridgeClient again = connect(a, "omar", "agent");
    await(again.registered("user.omar"));
    assertThat(again.unclaimedEvents("user.omar", "notification")).isEmpty();
    lead.close();
    again.close();
  }

  @Test
  @DisplayName("queued notifications that a connection could not take (it closed meanwhile) wait for the next one")
  void undeliveredGoBack() throws Exception {
    BridgeClient lead = connect(a, "lou", "team_leader");
    await(lead.call("notify.send", new JsonObject().put("userId", "uma").put("type", "info").put("message", "Kept")));
    // What the bridge of node A says when a connection registers and closes before the hand-over.
    await(Internal.userRegistered(a.node().vertx().eventBus(), "uma", "closed-connection", 5000));
    BridgeClient uma = connect(b, "uma", "agent");
    await(uma.registered("user.uma"));
    assertThat(uma.unclaimedEvents("user.uma", "notification")).extracting(e -> e.getJsonObject("data").getString("message"))
      .containsExactly("Kept");
    lead.close();
    uma.close();
  }

  @Test
  @DisplayName("an agent's notes are listed newest first, a page at a time, as JSON that no browser sniffs as HTML, errors included")
  void notesListedNewestFirst() throws Exception {
    BridgeClient lead = connect(a, "lisa", "team_leader");
    for (int i = 1; i <= 5; i++) {
      await(lead.call("notes.create", new JsonObject().put("agentId", "pia").put("noteType", "COACHING")
        .put("content", "<b>note " + i + "</b>").put("priority", "LOW")));
    }
    RestClient agentRest = rest(b, "pia", "agent");
    Answer firstPage = await(agentRest.get("/api/agents/pia/notes?limit=2"));
    assertThat(firstPage.headers().get("content-type")).isEqualTo("application/json");
    assertThat(firstPage.headers().get("x-content-type-options")).isEqualTo("nosniff");
    assertThat(contents(firstPage.body())).containsExactly("<b>note 5</b>", "<b>note 4</b>");
    assertThat(firstPage.body().getInteger("total")).isEqualTo(5);
    Answer secondPage = await(agentRest.get("/api/agents/pia/notes?limit=2&offset=2"));
    assertThat(contents(secondPage.body())).containsExactly("<b>note 3</b>", "<b>note 2</b>");
    // An error's message can quote what the caller sent: it is not sniffed either.
    Answer refused = await(agentRest.get("/api/agents/pia/notes?limit=0"));
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.headers().get("content-type")).isEqualTo("application/json");
    assertThat(refused.headers().get("x-content-type-options")).isEqualTo("nosniff");
    // A malformed percent escape in the query or the path: the same JSON error, not a bare "Bad Request".
    for (String uri : List.of("/api/agents/pia/notes?limit=%zz", "/api/sessions/%")) {
      Answer malformed = await(agentRest.get(uri));
      assertThat(malformed.status()).as(uri).isEqualTo(400);
      assertThat(malformed.body()).as(uri + ": " + malformed.text()).isNotNull();
      assertThat(malformed.body().getJsonObject("error").getInteger("code")).isEqualTo(400);
    }
    lead.close();
  }

  @Test
  @DisplayName("a page of a long list, filtered or not, takes only that page out of Redis")
  void longListsListedAPageAtATime() throws Exception {
    BridgeClient lead = connect(a, "lou", "team_leader");
    String text = "x".repeat(4500);
    List<Future<JsonObject>> created = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      created.add(lead.call("notes.create", new JsonObject().put("agentId", "long").put("noteType", "COACHING")
        .put("content", text).put("priority", "LOW")));
      created.add(lead.call("actions.create", new JsonObject().put("agentId", "long").put("title", "t" + i)
        .put("description", text).put("dueDate", "2026-03-31").put("priority", "LOW").put("category", "c")));
    }
    await(Future.all(created));
    RestClient agentRest = rest(b, "long", "agent");
    for (String listing : List.of("/api/agents/long/notes?limit=2", "/api/agents/long/action-items?status=open&limit=2")) {
      long before = await(REDIS.bytesSent(b.node().vertx()));
      JsonObject page = await(agentRest.get(listing)).body();
      long sent = await(REDIS.bytesSent(b.node().vertx())) - before;
      assertThat(page.getJsonArray("items")).as(listing).hasSize(2);
      assertThat(page.getInteger("total")).as(listing).isEqualTo(40);
      assertThat(sent).as("bytes Redis sent for " + listing).isLessThan(5L * text.length());
    }
    lead.close();
  }

  static List<String> contents(JsonObject page) {
    return page.getJsonArray("items").stream().map(i -> ((JsonObject) i).getString("content")).toList();
  }
}
