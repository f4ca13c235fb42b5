package dev.skillbus.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.WebSocketRoute;
import com.microsoft.playwright.options.AriaRole;
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
  static Skillbus node;
  static Chromium chromium;

  @BeforeAll
  static void start() throws Exception {
    JsonObject config = Servers.config("page-recovery-test", CLUSTER_PORT, CLUSTER_PORT, CLUSTER_PORT);
    config.getJsonObject("bridge").put("port", HTTP_PORT).getJsonObject("auth").put("tokenTtlSeconds", TOKEN_TTL_SECONDS);
    node = Servers.start(config);
    chromium = Chromium.launch();
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
    assertThat(chromium.takeErrors()).isEmpty();
  }

  static String url(String path) {
    return "http://127.0.0.1:" + HTTP_PORT + path;
  }

  static Locator button(Page page, String name) {
    return page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name).setExact(true));
  }

  /** The page's connections to the node, routed through the test so that it can close them under the page. */
  static List<WebSocketRoute> routeSockets(Page page) {
    List<WebSocketRoute> sockets = new CopyOnWriteArrayList<>();
    page.routeWebSocket(u -> u.contains("/eventbus/"), ws -> {
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

  @Test
  @DisplayName("live session: a rejoin refused after a reconnect shows the refusal and leaves the room's view")
  void sessionRejoinRefused() throws Exception {
    Page page = chromium.open(url("/session.html?session=closing-room&user=ann&name=Ann"), 1440);
    List<WebSocketRoute> sockets = routeSockets(page);
    button(page, "Join").click();
    assertThat(page.locator("#participants li[data-user='ann']")).isVisible();
    assertThat(button(page, "Leave")).isEnabled();

    makePrivate("closing-room", "ben"); // ann, in the room already, stays until she rejoins
    sockets.get(0).close(HeldFrames.CLOSED_BY_TEST);
    assertThat(page.locator("#join-error")).containsText("403");
    assertThat(page.locator("#status")).hasAttribute("data-state", "connected");
    assertThat(page.locator("#participants li")).hasCount(0);
    assertThat(button(page, "Leave")).isDisabled();
    assertThat(button(page, "Send")).isDisabled();
    closeAll(page, sockets);
  }
}
