package dev.skillbus.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.skillbus.web.WebPagesBrowserTest.button;
import static dev.skillbus.web.WebPagesBrowserTest.field;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.WebSocketRoute;
import dev.skillbus.Skillbus;
import dev.skillbus.testing.Servers;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The demo pages in Chromium when something goes wrong after they connected: a rejoin the node
 * refuses, a token that expires, a token the node will not issue. One node with an in-memory store
 * and dev tokens that live a few seconds, so that the pages' tokens expire while they are open.
 */
@Tag("browser")
@DisplayName("The web pages in Chromium, when the node refuses or a token expires")
class PageRecoveryBrowserTest {

  static final int HTTP_PORT = 7290;
  static final int CLUSTER_PORT = 7291;
  static final int TOKEN_TTL_SECONDS = 4;
  static final Predicate<String> EVENTBUS = u -> u.contains("/eventbus/");
  static Skillbus node;
  static Chromium chromium;

  @BeforeAll
  static void start() throws Exception {
    node = Servers.start(config());
    chromium = Chromium.launch();
  }

  static JsonObject config() {
    JsonObject config = Servers.config("page-recovery-test", CLUSTER_PORT, CLUSTER_PORT, CLUSTER_PORT)
      // Course generations that outlast a test: they end only when cancelled or lost.
      .put("course", new JsonObject().put("template", new JsonObject().put("paceMs", 600_000)));
    config.getJsonObject("bridge").put("port", HTTP_PORT).getJsonObject("auth").put("tokenTtlSeconds", TOKEN_TTL_SECONDS)
      .put("leewaySeconds", 0);
    return config;
  }

  @AfterAll
  static void stop() throws Exception {
    if (chromium != null) {
      chromium.close();
    }
    if (node != null) {
      node.close().await(30, TimeUnit.SECONDS);
    }
  }

  @AfterEach
  void noPageErrors() {
    chromium.closeAllPages();
    assertThat(chromium.takeErrors()).isEmpty();
  }

  static String url(String path) {
    return "http://127.0.0.1:" + HTTP_PORT + path;
  }

  /** The page's connections to the node, routed through the test so that it can close them under the page. */
  static List<WebSocketRoute> routeSockets(Page page) {
    List<WebSocketRoute> sockets = new CopyOnWriteArrayList<>();
    page.routeWebSocket(EVENTBUS, ws -> {
      sockets.add(ws);
      ws.connectToServer();
    });
    page.reload(); // the route applies to the documents loaded after it
    return sockets;
  }

  /** Closes a page whose connections the test routed: each with a code, as Playwright for Java needs. */
  static void closeAll(Page page, List<WebSocketRoute> sockets) {
    sockets.forEach(ws -> ws.close(HeldFrames.CLOSED_BY_TEST));
    Chromium.close(page);
  }

  /** Makes a room private to {@code allowedUsers}, as an admin does through the operations API. */
  static void makePrivate(String roomId, String... allowedUsers) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create(url("/api/auth/token")))
      .header("content-type", "application/json")
      .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("userId", "root").put("role", "admin").encode()))
      .build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(url("/socket/rooms")))
      .header("content-type", "application/json")
      .header("authorization", "Bearer " + new JsonObject(token.body()).getString("token"))
      .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("roomId", roomId)
        .put("allowedUsers", new JsonArray(List.of(allowedUsers))).encode()))
      .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
  }

  /**
   * Makes the page's room private to someone else (a member stays until it rejoins) and closes the
   * page's connection: its rejoin is refused, which the page shows as a 403 in {@code error}.
   */
  static void refuseRejoin(Locator error, String roomId, List<WebSocketRoute> sockets) throws Exception {
    makePrivate(roomId, "someone-else");
    sockets.get(0).close(HeldFrames.CLOSED_BY_TEST);
    assertThat(error).containsText("403");
  }

  @Test
  @DisplayName("live session: a rejoin refused after a reconnect shows the refusal and leaves the room's view")
  void sessionRejoinRefused() throws Exception {
    Page page = chromium.open(url("/session.html?session=closing-room&user=ann&name=Ann"), 1440);
    List<WebSocketRoute> sockets = routeSockets(page);
    button(page, "Join").click();
    assertThat(page.locator("#participants li[data-user='ann']")).isVisible();
    assertThat(button(page, "Leave")).isEnabled();

    refuseRejoin(page.locator("#join-error"), "closing-room", sockets);
    assertThat(page.locator("#status")).hasAttribute("data-state", "connected");
    assertThat(page.locator("#participants li")).hasCount(0);
    assertThat(button(page, "Leave")).isDisabled();
    assertThat(button(page, "Send")).isDisabled();
    closeAll(page, sockets);
  }

  @Test
  @DisplayName("coaching: a rejoin refused after a reconnect shows the refusal, and nothing more can be sent to the session")
  void coachingRejoinRefused() throws Exception {
    Page page = chromium.open(url("/coaching.html?session=closing-coaching&user=tia&role=team_leader&agent=abe"), 1440);
    List<WebSocketRoute> sockets = routeSockets(page);
    button(page, "Open").click();
    assertThat(button(page, "Add note")).isEnabled();
    field(page, "Note").fill("Before the refusal");
    button(page, "Add note").click();
    WebPagesBrowserTest.addActionItem(page, "Listen back");
    Locator delete = page.locator("#notes li button, #items li button");
    assertThat(delete).hasCount(2);
    assertThat(page.getByLabel("Status of Listen back")).isEnabled();

    refuseRejoin(page.locator("#join-error"), "closing-coaching", sockets);
    assertThat(button(page, "Add note")).isDisabled();
    assertThat(button(page, "Add action item")).isDisabled();
    for (int i = 0; i < 2; i++) {
      assertThat(delete.nth(i)).isDisabled();
    }
    assertThat(page.getByLabel("Status of Listen back")).isDisabled();
    closeAll(page, sockets);
  }

  @Test
  @DisplayName("coaching: after a reconnect the agent's lists are loaded again, with what another session added meanwhile")
  void coachingReloadsAfterReconnect() throws Exception {
    Page page = chromium.open(url("/coaching.html?session=reload-one&user=tia&role=team_leader&agent=reload-abe"), 1440);
    List<WebSocketRoute> sockets = routeSockets(page);
    button(page, "Open").click();
    assertThat(button(page, "Add note")).isEnabled();
    // Another team leader's note for the same agent, in another session: nothing live brings it here.
    Page other = chromium.open(url("/coaching.html?session=reload-two&user=lee&role=team_leader&agent=reload-abe"), 1440);
    button(other, "Open").click();
    field(other, "Note").fill("From the other session");
    button(other, "Add note").click();
    assertThat(other.locator("#notes li").first()).containsText("From the other session");
    assertThat(page.locator("#notes li")).hasCount(0);

    sockets.get(0).close(HeldFrames.CLOSED_BY_TEST);
    assertThat(page.locator("#notes li").first()).containsText("From the other session");
    assertThat(button(page, "Add note")).isEnabled();
    Chromium.close(other);
    closeAll(page, sockets);
  }

  @Test
  @DisplayName("coaching: a list or the session's notes that could not load say so until a later load succeeds")
  void coachingLoadFailureClearedByReload() throws Exception {
    Page page = chromium.open(url("/coaching.html?session=reload-failed&user=tia&role=team_leader&agent=reload-bea"), 1440);
    List<WebSocketRoute> sockets = routeSockets(page);
    String notes = "**/api/agents/reload-bea/notes*";
    refuse(page, notes);
    button(page, "Open").click();
    assertThat(page.locator("#note-form .error")).containsText("Could not load: ");
    assertThat(page.locator("#item-form .error")).hasText("");
    page.unroute(notes);
    // A note for the agent from another session, which nothing live brings here.
    Page other = chromium.open(url("/coaching.html?session=reload-other&user=lee&role=team_leader&agent=reload-bea"), 1440);
    button(other, "Open").click();
    field(other, "Note").fill("Loaded after all");
    button(other, "Add note").click();
    assertThat(other.locator("#notes li").first()).containsText("Loaded after all");
    assertThat(page.locator("#note-form .error")).containsText("Could not load: ");

    // The reconnect loads the lists again: the notes load now, and the failure is of the past.
    sockets.get(0).close(HeldFrames.CLOSED_BY_TEST);
    assertThat(page.locator("#notes li").first()).containsText("Loaded after all");
    assertThat(page.locator("#note-form .error")).hasText("");

    // The session's notes the same way, loaded by hand.
    String document = "**/api/sessions/reload-failed";
    refuse(page, document);
    button(page, "Load latest").click();
    assertThat(page.locator("#doc-form .error")).containsText("Could not load: ");
    page.unroute(document);
    button(page, "Load latest").click();
    assertThat(page.locator("#doc-form .error")).hasText("");
    Chromium.close(other);
    assertThat(chromium.takeErrors()).as("the refused list request, logged by the browser").allMatch(e -> e.contains("503"));
    closeAll(page, sockets);
  }

  @Test
  @DisplayName("coaching: a session opened after another and refused leaves nothing of the first one usable")
  void coachingSecondSessionRefused() throws Exception {
    Page page = chromium.open(url("/coaching.html?session=coaching-open&user=lee&role=team_leader&agent=abe"), 1440);
    button(page, "Open").click();
    assertThat(button(page, "Add note")).isEnabled();
    assertThat(button(page, "Save")).isEnabled();

    makePrivate("coaching-closed", "someone-else");
    field(page, "Session id").fill("coaching-closed");
    button(page, "Open").click();
    assertThat(page.locator("#join-error")).containsText("403");
    for (String name : List.of("Add note", "Add action item", "Save", "Load latest", "Send")) {
      assertThat(button(page, name)).isDisabled();
    }
    Chromium.close(page);
  }

  /** A course page on which {@code user} generates a course (that runs until cancelled), once it shows as running. */
  static Page generating(String path, String topic) {
    Page page = chromium.open(url(path), 1440);
    field(page, "Topic").fill(topic);
    button(page, "Generate").click();
    assertThat(page.locator("#job-status")).containsText("running: " + topic);
    assertThat(button(page, "Stop")).isEnabled();
    // In the room: its first line shows once the join is done (the status shows before).
    assertThat(page.locator("#console li").first()).isVisible();
    return page;
  }

  @Test
  @DisplayName("course generator: a rejoin refused after a reconnect shows the refusal where the generation was started, and Stop goes off")
  void courseRejoinRefused() throws Exception {
    Page page = chromium.open(url("/course.html?user=dot"), 1440);
    List<WebSocketRoute> sockets = routeSockets(page);
    field(page, "Topic").fill("Rooms made private");
    button(page, "Generate").click();
    assertThat(page.locator("#job-status")).containsText("running");

    refuseRejoin(page.locator("#generate-form .error"), page.locator("#share code").textContent(), sockets);
    assertThat(page.locator("#status")).hasAttribute("data-state", "connected");
    assertThat(button(page, "Stop")).isDisabled();
    assertThat(page.locator("#job-status")).not().containsText("running");
    assertThat(page.locator("#watch-form .error")).hasText("");
    closeAll(page, sockets);
  }

  @Test
  @DisplayName("course generator: a job lost in a node restart shows as not found where it was started, Stop goes off, and the next success clears old errors")
  void courseJobLostInRestart() throws Exception {
    Page page = generating("/course.html?attempts=1&user=cyd", "Lost jobs");
    node.close().await(30, TimeUnit.SECONDS);
    try {
      assertThat(page.locator("#status")).hasAttribute("data-state", "failed");
      button(page, "Stop").click();
      assertThat(page.locator("#generate-form .error")).containsText("503");
    } finally {
      node = Servers.start(config());
    }
    retryFindsItGone(page);
    assertThat(page.locator("#generate-form .error")).not().containsText("503");
    assertThat(page.locator("#watch-form .error")).hasText("");

    field(page, "Topic").fill("Found again");
    button(page, "Generate").click();
    assertThat(page.locator("#job-status")).containsText("running: Found again");
    assertThat(page.locator("#generate-form .error")).hasText("");
    assertThat(button(page, "Stop")).isEnabled();
    assertThat(chromium.takeErrors()).as("the refused connections while the node was down, logged by the browser")
      .allMatch(e -> e.contains("ERR_CONNECTION_REFUSED"));
    Chromium.close(page);
  }

  @Test
  @DisplayName("course generator: a generation whose room the page was still joining when the node went shows as not found once Retry connected")
  void courseJoinCutShortByRestart() throws Exception {
    Page page = chromium.open(url("/course.html?attempts=1&user=cal"), 1440);
    AtomicBoolean joinDropped = new AtomicBoolean();
    List<WebSocketRoute> sockets = new CopyOnWriteArrayList<>();
    page.routeWebSocket(EVENTBUS, ws -> {
      sockets.add(ws);
      WebSocketRoute server = ws.connectToServer();
      sockets.add(server);
      ws.onMessage(frame -> {
        // The page's first join never reaches the node: the page is still joining when it goes.
        if (!(frame.text().contains("session.join") && joinDropped.compareAndSet(false, true))) {
          server.send(frame.text());
        }
      });
    });
    page.reload();
    field(page, "Topic").fill("Cut short");
    button(page, "Generate").click();
    assertThat(page.locator("#job-status")).containsText("running: Cut short");
    page.waitForCondition(joinDropped::get);
    // The node goes: its connection ends, the client gives up, and the restarted node has lost the job.
    failConnection(page, sockets);
    assertThat(page.locator("#generate-form .error")).containsText("503");
    node.close().await(30, TimeUnit.SECONDS);
    node = Servers.start(config());

    retryFindsItGone(page);
    assertThat(chromium.takeErrors()).as("the refused token request, logged by the browser").allMatch(e -> e.contains("503"));
    closeAll(page, sockets);
  }

  @Test
  @DisplayName("course generator: Watch pressed once the client gave up connects again and follows the generation")
  void courseWatchAfterFailure() throws Exception {
    Page page = chromium.open(url("/course.html?attempts=1&user=wes"), 1440);
    List<WebSocketRoute> sockets = routeSockets(page);
    field(page, "Topic").fill("Watched after a failure");
    button(page, "Generate").click();
    assertThat(page.locator("#console li").first()).isVisible();
    String sessionId = page.locator("#share code").textContent();
    failConnection(page, sockets);

    page.locator("#watch-form [name=session]").fill(sessionId);
    button(page, "Watch").click();
    assertThat(page.locator("#status")).hasAttribute("data-state", "connected");
    assertThat(page.locator("#job-status")).containsText("running: Watched after a failure");
    assertThat(page.locator("#console li").first()).isVisible();
    assertThat(page.locator("#watch-form .error")).hasText("");
    assertThat(chromium.takeErrors()).as("the refused token request, logged by the browser").allMatch(e -> e.contains("503"));
    closeAll(page, sockets);
  }

  static final String TOKEN = "**/api/auth/token";

  /** The page's routed connections drop and its one reconnect attempt gets no token: the client gave up (failed). */
  static void failConnection(Page page, List<WebSocketRoute> sockets) {
    refuseTokens(page);
    sockets.forEach(ws -> ws.close(HeldFrames.CLOSED_BY_TEST));
    assertThat(page.locator("#status")).hasAttribute("data-state", "failed");
    page.unroute(TOKEN);
  }

  /**
   * Retry pressed on a course page once its node restarted without the generation it shows: it
   * connects, and shows the generation as not found, Stop off, the 404 where it was started.
   */
  static void retryFindsItGone(Page page) {
    button(page, "Retry").click();
    assertThat(page.locator("#status")).hasAttribute("data-state", "connected");
    assertThat(page.locator("#job-status")).containsText("not found");
    assertThat(button(page, "Stop")).isDisabled();
    assertThat(page.locator("#generate-form .error")).containsText("404");
  }

  /** Answers the page's token requests with 503 (until {@code page.unroute(TOKEN)}): it cannot connect. */
  static void refuseTokens(Page page) {
    refuse(page, TOKEN);
  }

  /** Answers the page's requests to URLs that match {@code glob} with 503, until {@code page.unroute(glob)}. */
  static void refuse(Page page, String glob) {
    page.route(glob, route -> route.fulfill(new Route.FulfillOptions().setStatus(503)
      .setContentType("application/json").setBody("{\"error\":{\"code\":503,\"message\":\"not now\"}}")));
  }

  @Test
  @DisplayName("admin: the page goes on refreshing once its token expired, with a new one, and shows no error")
  void adminOutlivesItsToken() {
    Page admin = chromium.open(url("/admin.html?user=root"), 1440);
    button(admin, "Sign in").click();
    assertThat(admin.locator("#status")).hasText("Live");
    // A refresh refused because the token expired, then one that succeeds.
    admin.waitForResponse(r -> r.url().endsWith("/socket/stats") && r.status() == 401,
      new Page.WaitForResponseOptions().setTimeout((TOKEN_TTL_SECONDS + 5) * 1000.0), () -> { });
    admin.waitForResponse(r -> r.url().endsWith("/socket/stats") && r.status() == 200, () -> { });
    assertThat(admin.locator("#status")).hasText("Live");
    assertThat(admin.locator("#signin-form .error")).isHidden();
    assertThat(chromium.takeErrors()).as("the expired token's refusals, logged by the browser").allMatch(e -> e.contains("status of 401"));
    Chromium.close(admin);
  }

  @Test
  @DisplayName("live session: a user id longer than a display name may be, with no display name, joins")
  void longUserIdWithoutName() {
    String user = "u".repeat(128);
    Page page = chromium.open(url("/session.html?session=long-ids&user=" + user), 375);
    button(page, "Join").click();
    assertThat(page.locator("#status")).hasAttribute("data-state", "connected");
    assertThat(page.locator("#join-error")).hasText("");
    assertThat(page.locator("#participants li[data-user='" + user + "']")).isVisible();
    Chromium.close(page);
  }

  @Test
  @DisplayName("live session: Join pressed once the connection failed connects again and keeps the room it was in")
  void joinAfterFailure() throws Exception {
    Page page = chromium.open(url("/session.html?attempts=1&session=failed-room&user=fay&name=Fay"), 1440);
    List<WebSocketRoute> sockets = routeSockets(page);
    button(page, "Join").click();
    assertThat(page.locator("#participants li[data-user='fay']")).isVisible();
    failConnection(page, sockets);
    button(page, "Join").click();
    assertThat(page.locator("#status")).hasAttribute("data-state", "connected");
    assertThat(page.locator("#participants li[data-user='fay']")).isVisible();
    assertThat(button(page, "Leave")).isEnabled();
    assertThat(page.locator("#join-error")).isEmpty();
    assertThat(chromium.takeErrors()).as("the refused token request, logged by the browser").allMatch(e -> e.contains("503"));
    closeAll(page, sockets);
  }

  @Test
  @DisplayName("status: a connection that failed says why")
  void failureSaysWhy() {
    Page page = chromium.open(url("/session.html?attempts=1&session=no-token&user=nat"), 1440);
    page.route("**/api/auth/token", route -> route.fulfill(new Route.FulfillOptions().setStatus(400)
      .setContentType("application/json").setBody("{\"error\":{\"code\":400,\"message\":\"no tokens for nat today\"}}")));
    button(page, "Join").click();
    assertThat(page.locator("#status")).hasAttribute("data-state", "failed");
    assertThat(page.locator("#status")).containsText("no tokens for nat today");
    assertThat(chromium.takeErrors()).as("the refused token requests, logged by the browser").allMatch(e -> e.contains("status of 400"));
    Chromium.close(page);
  }
}
