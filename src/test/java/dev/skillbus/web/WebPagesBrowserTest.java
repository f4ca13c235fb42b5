package dev.skillbus.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.WebSocketRoute;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import dev.skillbus.Skillbus;
import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.Event;
import dev.skillbus.protocol.Outbound;
import dev.skillbus.testing.Servers;
import dev.skillbus.testing.TestRedis;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The demo pages and skillbus.js in a real Chromium: browser contexts as separate users, against one
 * node that keeps its store in a real Redis, so that the node can be restarted with the rooms'
 * history intact. Screenshots of each page go to target/screenshots.
 */
@Tag("browser")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("The web pages in Chromium")
class WebPagesBrowserTest {

  static final int HTTP_PORT = 6550;
  static final int CLUSTER_PORT = 6551;
  static final LocatorAssertions.HasAttributeOptions RESTART_WAIT = new LocatorAssertions.HasAttributeOptions().setTimeout(40_000);

  @RegisterExtension
  static final TestRedis REDIS = new TestRedis(6552);
  static Skillbus node;
  static Chromium chromium;

  @BeforeAll
  static void start() throws Exception {
    node = Servers.start(config());
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
    // While a node is down the browser logs its refused connections; nothing else may go wrong.
    assertThat(chromium.takeErrors()).allMatch(e -> e.contains("ERR_CONNECTION_REFUSED"));
  }

  static JsonObject config() {
    JsonObject config = Servers.config("web-pages-test", CLUSTER_PORT, CLUSTER_PORT, CLUSTER_PORT)
      .put("store", REDIS.storeConfig("web-pages-test:"))
      // Template courses paced so that a second page joins while the first still watches.
      .put("course", new JsonObject().put("template", new JsonObject().put("paceMs", 250)));
    config.getJsonObject("bridge").put("port", HTTP_PORT);
    return config;
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

  static Page coachingPage(String session, String user, String role, String agent, int width) {
    Page page = chromium.open(url("/coaching.html"), width);
    field(page, "Session id").fill(session);
    field(page, "Your user id").fill(user);
    field(page, "Display name").fill(user.toUpperCase());
    page.getByLabel("Role").selectOption(role);
    field(page, "Agent coached").fill(agent);
    button(page, "Open").click();
    assertThat(page.locator("#status")).hasAttribute("data-state", "connected");
    assertThat(button(page, "Add note")).isEnabled();
    assertThat(button(page, "Save")).isEnabled();
    return page;
  }

  /** Adds an action item, due 2026-12-01 in category "quality", through the page's form. */
  static void addActionItem(Page page, String title) {
    field(page, "Title").fill(title);
    field(page, "Due").fill("2026-12-01");
    page.locator("#item-form").getByLabel("Category").fill("quality");
    button(page, "Add action item").click();
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

  @Test
  @Order(1)
  @DisplayName("live session: two users see each other with role, activity and cursor")
  void twoUsersSeeEachOther() {
    Page ann = sessionPage("pair", "ann", "Ann", "instructor", 1440);
    Page ben = sessionPage("pair", "ben", "Ben", "learner", 375);
    assertThat(participant(ann, "ben")).containsText("Ben");
    assertThat(participant(ann, "ben")).containsText("learner");
    assertThat(participant(ben, "ann")).containsText("instructor");
    assertThat(ann.locator("#log")).containsText("Ben joined as learner");

    ben.locator("#code").click();
    ben.keyboard().press("Control+Home");
    ben.keyboard().press("ArrowDown");
    ben.keyboard().press("End");
    assertThat(ben.locator("#my-cursor")).hasText("Ln 2, Col 27");
    assertThat(participant(ann, "ben").locator(".cursor")).hasText("Ln 2, Col 27");

    field(ben, "Message").fill("hello <b>Ann</b>");
    field(ben, "Message").press("Enter");
    assertThat(ann.locator("#log li").last()).containsText("Ben: hello <b>Ann</b>");

    checkAndShoot(ann, "session", 1440);
    checkAndShoot(ben, "session", 375);
    close(ann, ben);
  }

  @Test
  @Order(2)
  @DisplayName("live session: joining another session leaves the first, whose members see it, and shows only the new room")
  void switchingSessions() {
    Page cam = sessionPage("first-room", "cam", "Cam", "learner", 1440);
    Page dee = sessionPage("first-room", "dee", "Dee", "learner", 1440);
    assertThat(participant(dee, "cam")).isVisible();
    field(cam, "Session id").fill("second-room");
    button(cam, "Join").click();
    assertThat(dee.locator("#log")).containsText("Cam left");
    assertThat(participant(dee, "cam")).hasCount(0);
    assertThat(participant(cam, "cam")).isVisible();
    assertThat(participant(cam, "dee")).hasCount(0);
    field(dee, "Message").fill("only for the first room");
    field(dee, "Message").press("Enter");
    assertThat(dee.locator("#log li").last()).containsText("only for the first room");
    assertThat(cam.locator("#log")).not().containsText("only for the first room");
    close(cam, dee);
  }

  @Test
  @Order(2)
  @DisplayName("live session: two joins asked for within one round trip end in the last room only, with no stale error")
  void joinsInQuickSuccession() {
    Page ivy = sessionPage("quick-a", "ivy", "Ivy", "learner", 1440);
    Page obs = sessionPage("quick-c", "obs", "Obs", "learner", 1440);
    // The second submit comes while the first still waits for its leave of quick-a.
    ivy.evaluate("() => { const form = document.getElementById('join-form');"
      + " form.elements.session.value = 'quick-b'; form.requestSubmit();"
      + " form.elements.session.value = 'quick-c'; form.requestSubmit(); }");
    assertThat(participant(ivy, "obs")).isVisible();
    assertThat(participant(obs, "ivy")).isVisible();
    assertThat(button(ivy, "Leave")).isEnabled();
    field(ivy, "Message").fill("meant for quick-c");
    field(ivy, "Message").press("Enter");
    assertThat(obs.locator("#log")).containsText("meant for quick-c");
    assertThat(ivy.locator("#join-error")).isEmpty();
    // The server holds ivy in quick-c only: a newcomer to quick-b finds nobody there.
    Page zed = sessionPage("quick-b", "zed", "Zed", "learner", 1440);
    assertThat(zed.locator("#participants li")).hasCount(1);
    close(ivy, obs, zed);
  }

  @Test
  @Order(2)
  @DisplayName("live session: a newcomer whose user-joined comes before the page's own join reply is shown and logged")
  void newcomerBeforeTheJoinReply() {
    Page eve = chromium.open(url("/session.html?session=early-room&user=eve&name=Eve"), 1440);
    HeldFrames frames = HeldFrames.route(eve);
    button(eve, "Join").click();
    eve.waitForCondition(() -> frames.reply().isPresent());
    Page fay = sessionPage("early-room", "fay", "Fay", "learner", 1440);
    eve.waitForCondition(() -> frames.holdsEvent("user-joined", "userId", "fay"));
    frames.release(message -> true);

    assertThat(participant(eve, "fay")).containsText("Fay");
    assertThat(participant(eve, "eve")).isVisible();
    assertThat(eve.locator("#log")).containsText("Fay joined as learner");
    assertThat(button(eve, "Leave")).isEnabled();
    frames.close();
    close(eve, fay);
  }

  @Test
  @Order(2)
  @DisplayName("live session: an empty room log says so, and the notice of lost history and the log go with the room they were about")
  void sessionEmptyAndStaleStates() throws Exception {
    Page ola = sessionPage("lost-history", "ola", "Ola", "learner", 1440);
    assertThat(ola.locator("#no-events")).isVisible();
    Page pat = sessionPage("lost-history", "pat", "Pat", "learner", 1440);
    assertThat(ola.locator("#log li")).hasCount(1);
    assertThat(ola.locator("#no-events")).isHidden();

    forgetHistory("lost-history");
    field(pat, "Message").fill("after the loss");
    field(pat, "Message").press("Enter");
    assertThat(ola.locator("#log")).containsText("Pat: after the loss");
    assertThat(ola.locator("#reset-notice")).containsText("history was lost");

    field(ola, "Session id").fill("found-history");
    button(ola, "Join").click();
    assertThat(participant(ola, "pat")).hasCount(0);
    assertThat(participant(ola, "ola")).isVisible();
    assertThat(ola.locator("#reset-notice")).isHidden();
    assertThat(ola.locator("#log li")).hasCount(0);
    assertThat(ola.locator("#no-events")).isVisible();
    close(ola, pat);
  }

  @Test
  @Order(2)
  @DisplayName("live session: usable with the keyboard alone")
  void keyboardOnly() {
    Page page = chromium.open(url("/session.html"), 1440);
    page.keyboard().press("Tab");
    assertThat(page.locator(".skip")).isFocused();
    field(page, "Session id").focus();
    page.keyboard().type("keys");
    page.keyboard().press("Tab");
    page.keyboard().type("kim");
    page.keyboard().press("Tab");
    page.keyboard().type("Kim");
    page.keyboard().press("Enter");
    assertThat(participant(page, "kim")).containsText("Kim");
    assertThat(page.locator("#code")).isFocused();
    close(page);
  }

  @Test
  @Order(3)
  @DisplayName("coaching: a note created in one page appears in the other, and a <script> in it stays text")
  void noteAppearsAndStaysInert() {
    Page leader = coachingPage("coach-1", "tina", "team_leader", "abe", 1440);
    Page agent = coachingPage("coach-1", "abe", "agent", "", 375);

    field(leader, "Note").fill("Great call handling today");
    leader.locator("#note-form").getByLabel("Type").selectOption("POSITIVE");
    button(leader, "Add note").click();
    assertThat(agent.locator("#notes li").first()).containsText("Great call handling today");
    assertThat(agent.locator("#notes li").first()).containsText("POSITIVE");
    assertThat(agent.locator("#notes li")).hasCount(1);

    String hostile = "<script>window.__owned = 1</script><img src=x onerror=\"window.__owned = 2\">";
    field(leader, "Note").fill(hostile);
    button(leader, "Add note").click();
    assertThat(agent.locator("#notes li").first().locator(".content")).hasText(hostile);
    assertThat(leader.locator("#notes li").first().locator(".content")).hasText(hostile);
    assertThat(agent.evaluate("window.__owned === undefined && document.querySelectorAll('#notes script, #notes img').length === 0"))
      .isEqualTo(true);
    assertThat(leader.evaluate("window.__owned === undefined")).isEqualTo(true);

    checkAndShoot(leader, "coaching", 1440);
    checkAndShoot(agent, "coaching", 375);
    close(leader, agent);
  }

  @Test
  @Order(4)
  @DisplayName("coaching: action items, the version rule of session notes, and notifications as toasts")
  void itemsDocumentsNotifications() {
    Page leader = coachingPage("coach-2", "tom", "team_leader", "amy", 1440);
    Page coach = coachingPage("coach-2", "ivy", "team_leader", "amy", 1440);

    addActionItem(leader, "Review three calls");
    Locator item = coach.locator("#items li").first();
    assertThat(item).containsText("Review three calls");
    item.getByLabel("Status of Review three calls").selectOption("done");
    assertThat(item.locator(".error")).containsText("409");
    // With the keyboard: each change re-renders the item, and its status control keeps the focus.
    Locator status = coach.locator("#items li").first().getByLabel("Status of Review three calls");
    status.focus();
    coach.keyboard().press("ArrowDown");
    assertThat(leader.locator("#items li").first().locator(".badge").first()).hasText("in progress");
    assertThat(coach.locator("#items li").first().locator(".badge").first()).hasText("in progress");
    assertThat(status).isFocused();
    coach.keyboard().press("ArrowDown");
    assertThat(leader.locator("#items li").first().locator(".badge").first()).hasText("done");
    assertThat(coach.locator("#items li").first().locator(".badge").first()).hasText("done");
    assertThat(status).isFocused();

    field(coach, "Discussion notes").fill("Ivy's draft");
    field(leader, "Discussion notes").fill("Tom's notes");
    leader.getByLabel("Engagement").fill("7.25");
    button(leader, "Save").click();
    assertThat(leader.locator("#doc-version")).hasText("(version 1)");
    assertThat(coach.locator("#doc-conflict")).containsText("saved version 1 while you were editing");
    button(coach, "Save").click();
    assertThat(coach.locator("#doc-conflict")).containsText("is at version 1");
    button(coach, "Load latest").click();
    assertThat(field(coach, "Discussion notes")).hasValue("Tom's notes");
    assertThat(coach.getByLabel("Engagement")).hasValue("7.25");
    assertThat(coach.locator("#doc-conflict")).isHidden();

    field(leader, "To user id").fill("ivy");
    field(leader, "Message").fill("Your turn to present");
    button(leader, "Send").click();
    assertThat(coach.locator(".toast")).containsText("Your turn to present");
    assertThat(leader.locator("#notify-form [role=status]")).hasText("Delivered to ivy.");
    checkAndShoot(coach, "coaching-conflict", 1440);
    close(leader, coach);
  }

  @Test
  @Order(4)
  @DisplayName("coaching: a note and an action item deleted in one page leave both pages, and the keyboard focus goes to the next one")
  void notesAndItemsDeleted() {
    Page leader = coachingPage("coach-3", "dee", "team_leader", "ali", 1440);
    Page agent = coachingPage("coach-3", "ali", "agent", "", 375);
    assertThat(agent.locator("#no-notes")).isVisible();
    assertThat(agent.locator("#no-items")).isVisible();
    for (String text : List.of("First note", "Second note")) {
      field(leader, "Note").fill(text);
      button(leader, "Add note").click();
      assertThat(agent.locator("#notes li").first()).containsText(text);
    }
    addActionItem(leader, "Shadow a call");
    assertThat(agent.locator("#items li")).hasCount(1);
    assertThat(agent.locator("#no-notes")).isHidden();
    assertThat(agent.locator("#no-items")).isHidden();

    // With the keyboard: the newest note's Delete, then the focus is on the other note's.
    Locator newest = leader.locator("#notes li").first().getByRole(AriaRole.BUTTON);
    newest.focus();
    leader.keyboard().press("Enter");
    assertThat(agent.locator("#notes li")).hasCount(1);
    assertThat(leader.locator("#notes li")).hasCount(1);
    assertThat(agent.locator("#notes li")).containsText("First note");
    assertThat(leader.locator("#notes li").first().getByRole(AriaRole.BUTTON)).isFocused();
    checkAndShoot(leader, "coaching-delete", 1440);

    button(agent, "Delete Shadow a call").click();
    assertThat(leader.locator("#items li")).hasCount(0);
    assertThat(agent.locator("#items li")).hasCount(0);
    assertThat(agent.locator("#no-items")).isVisible();
    checkAndShoot(agent, "coaching-delete", 375);
    close(leader, agent);
  }

  @Test
  @Order(4)
  @DisplayName("coaching: at 375 px, the longest ids, names and texts wrap instead of widening the page")
  void coachingLongestValues() {
    String user = "u".repeat(128);
    String name = "N".repeat(100);
    Page page = chromium.open(url("/coaching.html?role=team_leader&session=" + "s".repeat(128) + "&user=" + user
      + "&name=" + name + "&agent=" + "a".repeat(128)), 375);
    button(page, "Open").click();
    assertThat(button(page, "Add note")).isEnabled();
    page.locator("#note-form").getByLabel("Category").fill("c".repeat(100));
    field(page, "Note").fill("n".repeat(600));
    button(page, "Add note").click();
    assertThat(page.locator("#notes li")).hasCount(1);
    field(page, "Title").fill("t".repeat(200));
    field(page, "Due").fill("2026-12-01");
    page.locator("#item-form").getByLabel("Category").fill("k".repeat(100));
    field(page, "Description").fill("d".repeat(600));
    button(page, "Add action item").click();
    assertThat(page.locator("#items li")).hasCount(1);
    page.getByLabel("Status of " + "t".repeat(200)).selectOption("done");
    assertThat(page.locator("#items li .error")).containsText("409");
    field(page, "Discussion notes").fill("y".repeat(600));
    field(page, "Topics covered").fill("x".repeat(200));
    button(page, "Save").click();
    assertThat(page.locator("#doc-version")).hasText("(version 1)");
    field(page, "To user id").fill(user);
    field(page, "Message").fill("m".repeat(2000));
    button(page, "Send").click();
    assertThat(page.locator("#notify-form [role=status]")).hasText("Delivered to " + user + ".");
    assertThat(page.locator(".toast")).containsText(name);
    // A toast taller than the screen scrolls in its region: its Dismiss button stays within reach.
    assertThat(button(page, "Dismiss")).isInViewport();
    checkAndShoot(page, "coaching-longest", 375);
    close(page);
  }

  @Test
  @Order(5)
  @DisplayName("course generator: watched to completion in one page while another joins late and sees the whole log; stopped by its owner")
  void courseWatchedByALateJoiner() {
    Page gia = chromium.open(url("/course.html"), 1440);
    gia.getByLabel("Your user id").first().fill("gia");
    field(gia, "Topic").fill("Event loops <i>in</i> practice");
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
    try {
      HttpClient http = HttpClient.newHttpClient();
      String token = new JsonObject(http.send(HttpRequest.newBuilder(URI.create(url("/api/auth/token")))
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("userId", "ops").put("role", "admin").encode()))
        .build(), HttpResponse.BodyHandlers.ofString()).body()).getString("token");
      JsonObject users = new JsonObject(http.send(HttpRequest.newBuilder(URI.create(url("/socket/users?limit=500")))
        .header("authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString()).body());
      return users.getJsonArray("items").stream().map(JsonObject.class::cast)
        .filter(user -> userId.equals(user.getString("id")))
        .findFirst().map(user -> user.getJsonArray("rooms").getList()).orElse(List.of());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
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
    Page page = chromium.open(url("/test-websocket?session=leave-room"), 1440);
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
    assertThat(admin.locator("#signin-form .error")).containsText("403");
    assertThat(chromium.takeErrors()).as("the refused requests, logged by the browser").allMatch(e -> e.contains("status of 403"));
    admin.getByLabel("Role").selectOption("admin");
    button(admin, "Sign in").click();
    assertThat(admin.locator("#status")).hasText("Live");
    assertThat(admin.locator("#signin-form .error")).isHidden();
    assertThat(admin.locator("#users tr[data-user='zed']")).containsText("ops-room");
    assertThat(admin.locator("#rooms tr[data-room='ops-room']")).containsText("open");
    assertThat(admin.locator("#health-status")).hasText("UP");

    Page yve = sessionPage("ops-room", "yve", "Yve", "learner", 375);
    assertThat(admin.locator("#users tr[data-user='yve']")).isVisible();
    field(admin, "Room id").fill("ops-room");
    field(admin, "Message").fill("Break in 5 minutes");
    button(admin, "Send to the room").click();
    assertThat(admin.locator("#message-form [role=status]")).containsText("Sent to ops-room");
    assertThat(zed.locator("#log")).containsText("root: Break in 5 minutes");
    checkAndShoot(admin, "admin", 1440, 375);
    close(zed, yve, admin);
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
    assertThat(page.locator("#chat-form .error")).containsText("503");
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
  @Order(7)
  @DisplayName("coaching: two saves whose events come in the other order than their versions both show")
  void documentEventsOutOfVersionOrder() throws Exception {
    Page uma = coachingPage("coach-order", "uma", "team_leader", "amy", 1440);
    // Two coaches saved through two nodes: version 1 set the notes, version 2 (made on version 1) the
    // topics, and version 2's event was stored first, so the page gets it first.
    JsonObject by = new JsonObject().put("id", "tom").put("name", "TOM");
    JsonObject first = new JsonObject().put("sessionId", "coach-order").put("discussionNotes", "Tom's notes");
    JsonObject second = first.copy().put("topicsCovered", new JsonArray().add("empathy").add("tone"));
    toRoom("coach-order", Event.SESSION_UPDATED, new JsonObject().put("sessionId", "coach-order").put("version", 2)
      .put("updates", new JsonObject().put("topicsCovered", second.getJsonArray("topicsCovered"))).put("updatedBy", by).put("document", second));
    toRoom("coach-order", Event.SESSION_UPDATED, new JsonObject().put("sessionId", "coach-order").put("version", 1)
      .put("updates", new JsonObject().put("discussionNotes", "Tom's notes")).put("updatedBy", by).put("document", first));
    assertThat(uma.locator("#doc-version")).hasText("(version 2)");
    assertThat(field(uma, "Topics covered")).hasValue("empathy, tone");
    assertThat(field(uma, "Discussion notes")).hasValue("Tom's notes");
    close(uma);
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

  @Test
  @Order(20)
  @DisplayName("live session: the page reconnects after the node restarts and shows every room event once, in order")
  void recoversAfterRestart() throws Exception {
    Page ann = sessionPage("restart", "ann", "Ann", "instructor", 1440);
    Page ben = sessionPage("restart", "ben", "Ben", "learner", 1440);
    field(ben, "Message").fill("before the restart");
    field(ben, "Message").press("Enter");
    assertThat(ann.locator("#log")).containsText("Ben: before the restart");

    node.close().await(30, TimeUnit.SECONDS);
    assertThat(ann.locator("#status")).hasAttribute("data-state", "reconnecting");
    node = Servers.start(config());
    assertThat(ann.locator("#status")).hasAttribute("data-state", "connected", RESTART_WAIT);
    assertThat(ben.locator("#status")).hasAttribute("data-state", "connected", RESTART_WAIT);
    assertThat(participant(ann, "ben")).isVisible();
    field(ben, "Message").fill("after the restart");
    field(ben, "Message").press("Enter");
    assertThat(ann.locator("#log")).containsText("Ben: after the restart");

    // Both saw the other leave (while the node stopped) and come back: missed, then live, each once.
    assertThat(ann.locator("#log")).containsText("Ben left");
    @SuppressWarnings("unchecked")
    List<Integer> seqs = (List<Integer>) ann.evaluate("[...document.querySelectorAll('#log li')].map(li => Number(li.dataset.seq))");
    for (int i = 1; i < seqs.size(); i++) {
      assertThat(seqs.get(i)).as("seqs " + seqs).isEqualTo(seqs.get(i - 1) + 1);
    }
    checkAndShoot(ann, "session-after-restart", 1440);
    close(ann, ben);
  }
}
