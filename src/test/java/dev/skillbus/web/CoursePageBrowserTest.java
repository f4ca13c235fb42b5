package dev.skillbus.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import dev.skillbus.protocol.Event;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The course generator page in Chromium: a generation watched to completion by a late joiner and
 * stopped by its owner, Generate pressed twice, and a room's history that starts again mid-run or
 * while the page loads it.
 */
@Tag("browser")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("The course generator page in Chromium")
class CoursePageBrowserTest extends WebPagesFixture {

  @Test
  @Order(5)
  @DisplayName("course generator: watched to completion in one page while another joins late and sees the whole log; stopped by its owner")
  void courseWatchedByALateJoiner() {
    Page gia = chromium.open(url("/course.html"), 1440);
    gia.getByLabel("Your user id").first().fill("gia");
    // The longest topic there may be (200 characters), most of it one word: the course shows it wrapped.
    String topic = ("Event loops <i>in</i> practice " + "Supercalifragilisticexpialidocious".repeat(6)).substring(0, 200);
    field(gia, "Topic").fill(topic);
    gia.getByLabel("Level").selectOption("intermediate");
    gia.getByLabel("Use web search").check();
    button(gia, "Generate").click();
    assertThat(gia.locator("#console li").nth(1)).isVisible();
    String sessionId = gia.locator("#share code").textContent();

    Page hal = chromium.open(url("/course.html?user=hal&session=" + sessionId), 375);
    button(hal, "Watch").click();
    LocatorAssertions.ContainsTextOptions untilDone = new LocatorAssertions.ContainsTextOptions().setTimeout(30_000);
    assertThat(gia.locator("#job-status")).containsText("completed", untilDone);
    assertThat(hal.locator("#job-status")).containsText("completed", untilDone);
    assertThat(gia.locator("#course h3").first()).containsText("Event loops <i>in</i> practice");
    assertThat(hal.locator("#course h3").first()).containsText("Event loops <i>in</i> practice");
    assertThat(gia.locator("#console li.course_generated")).hasCount(1);
    assertThat(gia.locator("#progress")).hasAttribute("value", "100");

    List<String> seen = gia.locator("#console li").allTextContents();
    assertThat(seen.size()).isGreaterThan(4);
    assertThat(hal.locator("#console li").allTextContents()).as("the late joiner's log").isEqualTo(seen);
    checkAndShoot(gia, "course", 1440);
    checkAndShoot(hal, "course", 375);

    field(gia, "Topic").fill("Stopped early");
    button(gia, "Generate").click();
    assertThat(gia.locator("#console li").first()).isVisible();
    button(gia, "Stop").click();
    assertThat(gia.locator("#job-status")).containsText("cancelled by gia");
    assertThat(button(gia, "Stop")).isDisabled();
    close(gia, hal);
  }

  @Test
  @Order(5)
  @DisplayName("course generator: Generate pressed twice in quick succession follows the second generation alone")
  void courseGeneratedTwiceQuickly() {
    Page kit = chromium.open(url("/course.html?user=kit"), 1440);
    field(kit, "Topic").fill("Pressed twice");
    kit.evaluate("() => { const form = document.getElementById('generate-form'); form.requestSubmit(); form.requestSubmit(); }");
    assertThat(kit.locator("#console li").first()).isVisible();
    String shown = kit.locator("#share code").textContent();
    // On the server too: kit's connection is in the room of the generation shown, and in no other.
    kit.waitForCondition(() -> roomsOf("kit").equals(List.of(shown)));
    // Generate, then Watch of someone else's generation before the start is answered: the watched one.
    Page lou = generating("lou", "Watched instead");
    String watched = lou.locator("#share code").textContent();
    Page max = chromium.open(url("/course.html?user=max"), 1440);
    field(max, "Topic").fill("Not followed");
    max.evaluate("() => { document.getElementById('generate-form').requestSubmit();"
      + " const watch = document.getElementById('watch-form'); watch.elements.session.value = '" + watched + "'; watch.requestSubmit(); }");
    max.waitForCondition(() -> roomsOf("max").equals(List.of(watched)) && max.locator("#share code").textContent().equals(watched));
    // Still so once the watched generation is done, long after the new one's start was answered.
    assertThat(lou.locator("#job-status")).containsText("completed", new LocatorAssertions.ContainsTextOptions().setTimeout(30_000));
    assertThat(max.locator("#share code")).hasText(watched);
    assertThat(roomsOf("max")).containsExactly(watched);
    assertThat(max.locator("#generate-form .error")).isEmpty();
    close(kit, lou, max);
  }

  /** The rooms a user's connections are in, as the operations API lists them. */
  static List<Object> roomsOf(String userId) {
    JsonObject users = asAdmin("GET", "/socket/users?limit=50", null);
    return users.getJsonArray("items").stream().map(JsonObject.class::cast)
      .filter(user -> userId.equals(user.getString("id")))
      .findFirst().map(user -> user.getJsonArray("rooms").getList()).orElse(List.of());
  }


  /** A course page on which {@code user} generates a course on {@code topic}, once its first line shows. */
  static Page generating(String user, String topic) {
    Page page = chromium.open(url("/course.html?user=" + user), 1440);
    field(page, "Topic").fill(topic);
    button(page, "Generate").click();
    assertThat(page.locator("#console li").first()).isVisible();
    return page;
  }

  @Test
  @Order(5)
  @DisplayName("course generator: when the room's history starts again mid-run, the console is rebuilt from the new history, not appended to")
  void courseRebuiltAfterReset() throws Exception {
    Page kai = generating("kai", "Garbage collection");
    String sessionId = kai.locator("#share code").textContent();
    forgetHistory(sessionId);
    LocatorAssertions.ContainsTextOptions untilDone = new LocatorAssertions.ContainsTextOptions().setTimeout(30_000);
    assertThat(kai.locator("#job-status")).containsText("completed", untilDone);

    // A late watcher sees the room's history as it is now: the first page shows the same, each line once.
    Page lou = chromium.open(url("/course.html?user=lou&session=" + sessionId), 1440);
    button(lou, "Watch").click();
    assertThat(lou.locator("#console li.course_generated")).hasCount(1);
    List<String> now = lou.locator("#console li").allTextContents();
    assertThat(kai.locator("#console li")).hasText(now.toArray(String[]::new));
    assertThat(kai.locator("#progress")).hasAttribute("value", "100");
    assertThat(kai.locator("#reset-notice")).containsText("started again");
    close(kai, lou);
  }

  @Test
  @Order(5)
  @DisplayName("course generator: a new epoch that begins while the page loads the log is loaded again, from its first line")
  void courseEpochWhileLoading() throws Exception {
    Page mia = generating("mia", "Lock-free queues");
    assertThat(mia.locator("#job-status")).containsText("completed", new LocatorAssertions.ContainsTextOptions().setTimeout(30_000));
    String sessionId = mia.locator("#share code").textContent();

    Page ned = chromium.open(url("/course.html?user=ned&session=" + sessionId), 1440);
    HeldFrames frames = HeldFrames.route(ned);
    button(ned, "Watch").click();
    ned.waitForCondition(() -> frames.reply().isPresent());
    String oldEpoch = frames.reply().get().getJsonObject("body").getString("epoch");
    // While the page's join reply is on its way, the room's history is lost and starts again.
    forgetHistory(sessionId);
    for (int line = 1; line <= 3; line++) {
      logToRoom(sessionId, "Line " + line + " of the new epoch");
    }
    ned.waitForCondition(() -> frames.events().stream().filter(e -> e.containsKey("seq") && !oldEpoch.equals(e.getString("epoch"))).count() == 3);
    // The page gets the new epoch's events after its first line only (as when its registration on the
    // room took effect late), then its join reply: the new epoch begins while the page loads.
    frames.release(m -> HeldFrames.durableEvent(m).map(e -> !oldEpoch.equals(e.getString("epoch")) && e.getLong("seq") > 1).orElse(true));

    String[] newEpoch = {"Line 1 of the new epoch", "Line 2 of the new epoch", "Line 3 of the new epoch"};
    for (Page page : List.of(mia, ned)) {
      assertThat(page.locator("#console li")).containsText(newEpoch);
      assertThat(page.locator("#console li")).hasCount(newEpoch.length);
    }
    assertThat(ned.locator("#reset-notice")).containsText("started again");
    frames.close();
    close(mia, ned);
  }

  /** Appends a log line to a course session's room and publishes it, as its generation job does. */
  static void logToRoom(String roomId, String message) throws Exception {
    JsonObject line = new JsonObject().put("type", "log").put("message", message).put("timestamp", Instant.now().toString());
    toRoom(roomId, Event.COURSE_GENERATION_UPDATE, line);
  }
}
