package dev.skillbus.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.WebSocketRoute;
import com.microsoft.playwright.options.AriaRole;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The other pages in Chromium: test-websocket, admin, the official Vert.x client's page, the
 * connection status's Retry (on the live session page) and the index.
 */
@Tag("browser")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("The test-websocket, admin, official client and index pages, and the connection status, in Chromium")
class OtherPagesBrowserTest extends WebPagesFixture {

  @Test
  @Order(6)
  @DisplayName("test-websocket: connects over the raw WebSocket, joins and shows a request's reply and the events")
  void testWebSocketPage() {
    Page page = chromium.open(url("/test-websocket"), 1440);
    List<String> sockets = new CopyOnWriteArrayList<>();
    page.onWebSocket(ws -> sockets.add(ws.url()));
    page.getByLabel("Transport").selectOption("websocket");
    button(page, "Connect").click();
    assertThat(page.locator("#status")).hasAttribute("data-state", "connected");
    assertThat(sockets).containsExactly("ws://127.0.0.1:" + HTTP_PORT + "/eventbus/websocket");
    button(page, "Join").click();
    assertThat(page.locator("#reply")).containsText("\"participants\"");
    page.getByLabel("Address").selectOption("session.message");
    button(page, "Send request").click();
    assertThat(page.locator("#reply")).containsText("\"seq\"");
    assertThat(page.locator("#events")).containsText("Hello from the test page");
    checkAndShoot(page, "test-websocket", 1440, 375);
    close(page);
  }

  @Test
  @Order(6)
  @DisplayName("test-websocket: Leave is offered only while the page is in the room its form names")
  void testWebSocketLeave() {
    Page page = chromium.open(url("/test-websocket?session=leave-room&user=lee"), 1440);
    button(page, "Connect").click();
    assertThat(page.locator("#status")).hasAttribute("data-state", "connected");
    assertThat(button(page, "Leave")).isDisabled();
    button(page, "Join").click();
    assertThat(page.locator("#reply")).containsText("\"participants\"");
    assertThat(button(page, "Leave")).isEnabled();
    button(page, "Leave").click();
    assertThat(page.locator("#reply")).not().containsText("\"participants\"");
    assertThat(button(page, "Leave")).isDisabled();

    button(page, "Join").click();
    assertThat(button(page, "Leave")).isEnabled();
    field(page, "Session id").fill("another-room");
    assertThat(button(page, "Leave")).isDisabled();
    field(page, "Session id").fill("leave-room");
    assertThat(button(page, "Leave")).isEnabled();
    // An admin takes the user out: the client is no longer in the room, and Leave goes.
    asAdmin("POST", "/socket/rooms/leave", new JsonObject().put("roomId", "leave-room").put("userId", "lee"));
    assertThat(page.locator("#events")).containsText("session-left");
    assertThat(button(page, "Leave")).isDisabled();
    button(page, "Disconnect").click();
    assertThat(button(page, "Leave")).isDisabled();
    assertThat(button(page, "Join")).isDisabled();
    close(page);
  }

  @Test
  @Order(6)
  @DisplayName("admin: only for admins; users and rooms of the cluster appear live, and a room gets a message")
  void adminPage() {
    Page zed = sessionPage("ops-room", "zed", "Zed", "learner", 1440);
    Page admin = chromium.open(url("/admin.html"), 1440);
    field(admin, "Your user id").fill("root");
    admin.getByLabel("Role").selectOption("team_leader");
    button(admin, "Sign in").click();
    assertThat(admin.locator("#signin-form .error")).containsText(failure(403));
    assertThat(chromium.takeErrors()).as("the refused requests, logged by the browser").allMatch(e -> e.contains("status of 403"));
    admin.getByLabel("Role").selectOption("admin");
    button(admin, "Sign in").click();
    assertThat(admin.locator("#status")).hasText("Live");
    assertThat(admin.locator("#signin-form .error")).isHidden();
    assertThat(admin.locator("#users tr[data-user='zed']")).containsText("ops-room");
    assertThat(admin.locator("#rooms tr[data-room='ops-room']")).containsText("open");
    assertThat(admin.locator("#health-status")).hasText("UP");

    // A page of one user (the node's OPS_PAGE_SIZE, below the 100 the page once asked for and its
    // largest limit refused): sorted by id, yve comes first, then zed on the next page.
    Page yve = sessionPage("ops-room", "yve", "Yve", "learner", 375);
    Locator users = admin.locator("#users-pager");
    assertThat(users.locator(".range")).hasText("1–1 of 2");
    assertThat(admin.locator("#users tr[data-user='yve']")).isVisible();
    assertThat(users.getByText("Previous")).isDisabled();
    users.getByText("Next").click();
    assertThat(admin.locator("#users tr[data-user='zed']")).isVisible();
    assertThat(users.locator(".range")).hasText("2–2 of 2");
    assertThat(users.getByText("Next")).isDisabled();
    assertThat(admin.locator("#users tbody tr")).hasCount(1);
    // Kept across refreshes, and moved back to the last page when the listing shrinks below it.
    close(zed);
    assertThat(admin.locator("#users tr[data-user='yve']")).isVisible();
    assertThat(users.locator(".range")).hasText("1–1 of 1");
    assertThat(admin.locator("#rooms-pager .range")).hasText("1–1 of 1");
    field(admin, "Room id").fill("ops-room");
    field(admin, "Message").fill("Break in 5 minutes");
    button(admin, "Send to the room").click();
    assertThat(admin.locator("#message-form [role=status]")).containsText("Sent to ops-room");
    assertThat(yve.locator("#log")).containsText("root: Break in 5 minutes");
    checkAndShoot(admin, "admin", 1440, 375);
    close(yve, admin);
  }

  @Test
  @Order(6)
  @DisplayName("admin: a first refresh that fails (503) is shown, and the next one, 2 s later, is made all the same")
  void adminRetriesAFailedFirstRefresh() {
    Page admin = chromium.open(url("/admin.html?user=root"), 1440);
    AtomicInteger statsCalls = new AtomicInteger();
    admin.route("**/socket/stats", route -> {
      if (statsCalls.incrementAndGet() == 1) {
        route.fulfill(new Route.FulfillOptions().setStatus(503).setContentType("application/json")
          .setBody("{\"error\": {\"code\": 503, \"message\": \"the store is unavailable, try again later\"}}"));
      } else {
        route.resume();
      }
    });
    button(admin, "Sign in").click();
    assertThat(admin.locator("#signin-form .error")).containsText("503: the store is unavailable");
    assertThat(admin.locator("#status")).hasText("Refresh failed");
    assertThat(admin.locator("#status")).hasText("Live");
    assertThat(admin.locator("#signin-form .error")).isHidden();
    assertThat(statsCalls.get()).isGreaterThanOrEqualTo(2);
    assertThat(chromium.takeErrors()).as("the failed refresh, logged by the browser").allMatch(e -> e.contains("503"));
    close(admin);
  }

  @Test
  @Order(7)
  @DisplayName("official client: the Vert.x client's page joins a room that a skillbus.js page is in")
  void officialClientPage() {
    Page ours = sessionPage("mixed", "una", "Una", "learner", 1440);
    Page theirs = chromium.open(url("/official-client.html?session=mixed&user=otto"), 375);
    List<WebSocketRoute> sockets = new CopyOnWriteArrayList<>();
    theirs.routeWebSocket(u -> u.contains("/eventbus/"), ws -> {
      sockets.add(ws);
      ws.connectToServer();
    });
    theirs.reload(); // the route applies to the documents loaded after it
    button(theirs, "Connect and join").click();
    assertThat(participant(theirs, "una")).isVisible();
    assertThat(participant(ours, "otto")).isVisible();
    field(theirs, "Message").fill("from the official client");
    button(theirs, "Send").click();
    assertThat(ours.locator("#log")).containsText("otto: from the official client");
    checkAndShoot(theirs, "official-client", 375, 1440);

    // The connection closes under the page: nothing can be sent until it connects again.
    sockets.get(0).close(HeldFrames.CLOSED_BY_TEST);
    assertThat(theirs.locator("#status")).hasAttribute("data-state", "disconnected");
    assertThat(button(theirs, "Send")).isDisabled();
    button(theirs, "Connect and join").click();
    assertThat(theirs.locator("#status")).hasAttribute("data-state", "connected");
    assertThat(button(theirs, "Send")).isEnabled();
    // An admin takes otto out of the room: the page says so and offers no Send.
    assertThat(participant(theirs, "otto")).isVisible();
    asAdmin("POST", "/socket/rooms/leave", new JsonObject().put("roomId", "mixed").put("userId", "otto"));
    assertThat(theirs.locator("#join-form .error")).hasText("An administrator took you out of session mixed.");
    assertThat(button(theirs, "Send")).isDisabled();
    assertThat(participant(theirs, "una")).hasCount(0);
    assertThat(participant(ours, "otto")).hasCount(0);
    // Closed here with a code: Playwright for Java fails on a routed socket that the page closes without one.
    sockets.get(1).close(HeldFrames.CLOSED_BY_TEST);
    assertThat(button(theirs, "Send")).isDisabled();
    close(ours, theirs);
  }

  @Test
  @Order(7)
  @DisplayName("official client: a message in flight when the connection closes fails with an error, and its text stays")
  void officialClientSendInFlightAtClose() {
    Page page = chromium.open(url("/official-client.html?session=cut-room&user=pia"), 1440);
    HeldFrames frames = HeldFrames.route(page, "session.message");
    button(page, "Connect and join").click();
    assertThat(button(page, "Send")).isEnabled();
    field(page, "Message").fill("lost in the close");
    button(page, "Send").click();
    page.waitForCondition(() -> !frames.held().isEmpty()); // the node has it: its reply is held back
    frames.close();
    assertThat(page.locator("#status")).hasAttribute("data-state", "disconnected");
    assertThat(page.locator("#chat-form .error")).containsText(failure(503));
    assertThat(field(page, "Message")).hasValue("lost in the close");
    close(page);
  }

  @Test
  @Order(7)
  @DisplayName("status: Retry keeps the keyboard focus while it tries again, and gives it to the status once connected")
  void retryKeepsFocus() {
    Page page = chromium.open(url("/session.html?attempts=1&session=retry-room&user=rex"), 1440);
    AtomicInteger refused = new AtomicInteger();
    page.route("**/eventbus/**", route -> {
      refused.incrementAndGet();
      route.abort("connectionrefused");
    });
    button(page, "Join").click();
    assertThat(page.locator("#status")).hasAttribute("data-state", "failed");
    Locator retry = button(page, "Retry");
    retry.focus();
    int before = refused.get();
    page.keyboard().press("Enter");
    page.waitForCondition(() -> refused.get() >= before + 2);
    assertThat(page.locator("#status")).hasAttribute("data-state", "failed");
    assertThat(retry).isFocused();

    page.unroute("**/eventbus/**");
    page.keyboard().press("Enter");
    assertThat(page.locator("#status")).hasAttribute("data-state", "connected");
    assertThat(retry).hasCount(0);
    assertThat(page.locator("#status")).isFocused();
    close(page);
  }

  @Test
  @Order(8)
  @DisplayName("index: links every page")
  void indexPage() {
    Page page = chromium.open(url("/"), 375);
    for (String name : List.of("Course generator", "Live session", "Coaching", "Admin", "Test WebSocket", "Official client")) {
      assertThat(page.locator("main").getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName(name))).isVisible();
    }
    checkAndShoot(page, "index", 375, 1440);
    close(page);
  }
}
