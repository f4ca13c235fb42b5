package dev.skillbus.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.skillbus.web.WebPagesFixture.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.WebSocketRoute;
import dev.skillbus.testing.Servers;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;

/**
 * What the tests of the demo pages in Chromium need when something goes wrong after the pages
 * connected: one node with an in-memory store and dev tokens that live a few seconds, so that the
 * pages' tokens expire while they are open, and ways to close, refuse or fail the pages'
 * connections and requests. Each test class starts its own node, in a cluster of its own name.
 */
abstract class PageRecoveryFixture extends BrowserFixture {

  static final int HTTP_PORT = 7290;
  static final int CLUSTER_PORT = 7291;
  static final int TOKEN_TTL_SECONDS = 4;
  static final Predicate<String> EVENTBUS = u -> u.contains("/eventbus/");
  static final String TOKEN = "**/api/auth/token";
  /**
   * A line of the browser's errors about a 503 answer: the response itself, or the console's line
   * for it (the page's address, which starts every line, is not where the code is looked for).
   */
  static final Predicate<String> SAYS_503 = e -> e.contains(": HTTP 503 from ") || e.contains("status of 503 ");
  static JsonObject config;

  @BeforeAll
  static void start(TestInfo test) throws Exception {
    config = config("page-recovery-" + test.getTestClass().orElseThrow().getSimpleName());
    node = Servers.start(config);
    chromium = Chromium.launch();
  }

  static JsonObject config(String clusterName) {
    JsonObject config = Servers.config(clusterName, CLUSTER_PORT, CLUSTER_PORT, CLUSTER_PORT)
      // Course generations that outlast a test: they end only when cancelled or lost.
      .put("course", new JsonObject().put("template", new JsonObject().put("paceMs", 600_000)));
    config.getJsonObject("bridge").put("port", HTTP_PORT).getJsonObject("auth").put("tokenTtlSeconds", TOKEN_TTL_SECONDS)
      .put("leewaySeconds", 0);
    return config;
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
    assertThat(error).containsText(failure(403));
  }

  /** The page's routed connections drop and its one reconnect attempt gets no token: the client gave up (failed). */
  static void failConnection(Page page, List<WebSocketRoute> sockets) {
    refuseTokens(page);
    sockets.forEach(ws -> ws.close(HeldFrames.CLOSED_BY_TEST));
    assertThat(page.locator("#status")).hasAttribute("data-state", "failed");
    page.unroute(TOKEN);
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
}
