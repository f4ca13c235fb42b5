package dev.skillbus.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.Outbound;
import dev.skillbus.testing.Servers;
import dev.skillbus.testing.TestRedis;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the tests of the demo pages and skillbus.js in a real Chromium need: browser contexts as
 * separate users, against one node that keeps its store in a real Redis, so that the node can be
 * restarted with the rooms' history intact. Each test class starts its own node, in a cluster of
 * its own name, and its own Redis, empty. Screenshots of each page go to target/screenshots.
 */
abstract class WebPagesFixture extends BrowserFixture {

  static final int HTTP_PORT = 6550;
  static final int CLUSTER_PORT = 6551;

  @RegisterExtension
  static final TestRedis REDIS = new TestRedis(6552);
  static String clusterName;

  @BeforeAll
  static void start(TestInfo test) throws Exception {
    clusterName = "web-pages-" + test.getTestClass().orElseThrow().getSimpleName();
    node = Servers.start(config());
    chromium = Chromium.launch();
  }

  @AfterEach
  void noPageErrors() {
    // While a node is down the browser logs its refused connections; nothing else may go wrong.
    assertThat(chromium.takeErrors()).allMatch(e -> e.contains("ERR_CONNECTION_REFUSED"));
  }

  /** The node's config, the same each time the test class starts its node (its cluster is the class's own). */
  static JsonObject config() {
    JsonObject config = Servers.config(clusterName, CLUSTER_PORT, CLUSTER_PORT, CLUSTER_PORT)
      .put("store", REDIS.storeConfig("web-pages-test:"))
      // Template courses paced so that a second page joins while the first still watches.
      .put("course", new JsonObject().put("template", new JsonObject().put("paceMs", 250)))
      // Listings of one user or room a page, and no more than 50 asked for: the admin page pages them.
      .put("ops", new JsonObject().put("pageSize", 1).put("maxPageSize", 50))
      // Notes and action items two a page, at most 10: the coaching page reads its lists page by page.
      .put("coaching", new JsonObject().put("pageSize", 2).put("maxPageSize", 10));
    config.getJsonObject("bridge").put("port", HTTP_PORT);
    return config;
  }

  /** An operations API call as an admin (a dev token's); its JSON answer, whatever its status. */
  static JsonObject asAdmin(String method, String path, JsonObject body) {
    try {
      HttpClient http = HttpClient.newHttpClient();
      String token = new JsonObject(http.send(HttpRequest.newBuilder(URI.create(url("/api/auth/token")))
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("userId", "ops").put("role", "admin").encode()))
        .build(), HttpResponse.BodyHandlers.ofString()).body()).getString("token");
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path))).header("authorization", "Bearer " + token)
        .header("content-type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()));
      return new JsonObject(http.send(request.build(), HttpResponse.BodyHandlers.ofString()).body());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String url(String path) {
    return "http://127.0.0.1:" + HTTP_PORT + path;
  }

  static Locator button(Page page, String name) {
    return page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name).setExact(true));
  }

  /** The text field with exactly this label (a select's name includes its option, so not for those). */
  static Locator field(Page page, String label) {
    return page.getByLabel(label, new Page.GetByLabelOptions().setExact(true));
  }

  /**
   * The pattern of a failure with this status code as the pages show it ({@code "503: …"}, alone or
   * after a lead-in ending in {@code ": "}), so that a code inside an id or a message does not count.
   */
  static Pattern failure(int code) {
    return Pattern.compile("(^|: )" + code + ": ");
  }

  static Page sessionPage(String session, String user, String name, String role, int width) {
    Page page = chromium.open(url("/session.html?attempts=12"), width);
    field(page, "Session id").fill(session);
    field(page, "Your user id").fill(user);
    field(page, "Display name").fill(name);
    page.getByLabel("Role").selectOption(role);
    button(page, "Join").click();
    assertThat(page.locator("#status")).hasAttribute("data-state", "connected");
    assertThat(participant(page, user)).isVisible();
    return page;
  }

  static Locator participant(Page page, String user) {
    return page.locator("#participants li[data-user='" + user + "']");
  }

  /**
   * No WCAG 2.1 AA violation that axe-core finds (contrast, labels, names, …), then at each width:
   * nothing wider than the viewport, and a screenshot in target/screenshots/{name}-{width}.png.
   */
  static void checkAndShoot(Page page, String name, int... widths) {
    assertThat(Chromium.accessibilityViolations(page)).as("accessibility of " + name).isEmpty();
    for (int width : widths) {
      page.setViewportSize(width, 900);
      // The page does not scroll sideways (a table may, inside its own scrolling box): if it does, the
      // elements that stick out, or whose text does (a long word in a box that does not scroll), are named.
      Object tooWide = page.evaluate("w => document.documentElement.scrollWidth <= w ? [] : ['page ' + document.documentElement.scrollWidth + ' px',"
        + " ...[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 0.5"
        + " || getComputedStyle(e).overflowX === 'visible' && e.getBoundingClientRect().left + e.scrollWidth > w + 0.5)"
        + ".map(e => e.tagName + '#' + e.id + '.' + e.className)]", width);
      assertThat((List<?>) tooWide).as("elements wider than " + width + " px on " + name).isEmpty();
      Chromium.screenshot(page, name + "-" + width);
    }
  }

  static void close(Page... pages) {
    for (Page page : pages) {
      Chromium.close(page);
    }
  }

  /** Appends a durable event to a room's history and publishes it, as the node's services do. */
  static void toRoom(String roomId, String event, JsonObject data) throws Exception {
    JsonObject envelope = Servers.await(node.stores().history().append(roomId, event, data));
    Outbound.publish(node.node().vertx().eventBus(), Address.room(roomId), envelope);
  }

  /** Deletes a room's history from the store, as an evicted or flushed Redis does: the room starts a new epoch. */
  static void forgetHistory(String roomId) throws Exception {
    String key = "web-pages-test:room:" + roomId + ":";
    Servers.await(REDIS.command(node.node().vertx(), REDIS.url(), Request.cmd(Command.DEL).arg(key + "meta").arg(key + "events")));
  }
}
