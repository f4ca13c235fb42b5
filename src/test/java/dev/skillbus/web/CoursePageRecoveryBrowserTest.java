package dev.skillbus.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.skillbus.web.WebPagesFixture.button;
import static dev.skillbus.web.WebPagesFixture.failure;
import static dev.skillbus.web.WebPagesFixture.field;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.WebSocketRoute;
import dev.skillbus.testing.Servers;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The course generator page in Chromium when something goes wrong after it connected: a rejoin
 * the node refuses, a node that restarts and has lost the generation the page shows, a client that
 * gave up reconnecting.
 */
@Tag("browser")
@DisplayName("The course generator page in Chromium, when the node refuses or restarts")
class CoursePageRecoveryBrowserTest extends PageRecoveryFixture {

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
      assertThat(page.locator("#generate-form .error")).containsText(failure(503));
    } finally {
      node = Servers.start(config);
    }
    retryFindsItGone(page);
    assertThat(page.locator("#generate-form .error")).not().containsText(failure(503));
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
    assertThat(page.locator("#generate-form .error")).containsText(failure(503));
    node.close().await(30, TimeUnit.SECONDS);
    node = Servers.start(config);

    retryFindsItGone(page);
    assertThat(chromium.takeErrors()).as("the refused token request, logged by the browser").allMatch(SAYS_503);
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
    assertThat(chromium.takeErrors()).as("the refused token request, logged by the browser").allMatch(SAYS_503);
    closeAll(page, sockets);
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
    assertThat(page.locator("#generate-form .error")).containsText(failure(404));
  }
}
