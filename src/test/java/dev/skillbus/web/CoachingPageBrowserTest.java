package dev.skillbus.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.skillbus.protocol.Event;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The coaching page in Chromium: notes, action items, the session notes' versions and notifications
 * between two pages, the longest values at 375 px, and saves whose events come out of order.
 */
@Tag("browser")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("The coaching page in Chromium")
class CoachingPageBrowserTest extends WebPagesFixture {

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
  @Order(3)
  @DisplayName("coaching: a page opened later loads the agent's notes and items, newest first, in pages of the node's size (2 here, 10 at most)")
  void loadsListsInPages() {
    Page leader = coachingPage("coach-pages", "tom", "team_leader", "ada", 1440);
    for (int i = 1; i <= 5; i++) {
      field(leader, "Note").fill("note " + i);
      button(leader, "Add note").click();
      assertThat(leader.locator("#notes li").first()).containsText("note " + i);
    }
    for (int i = 1; i <= 3; i++) {
      addActionItem(leader, "item " + i);
      assertThat(leader.locator("#items li")).hasCount(i);
    }
    Page later = coachingPage("coach-pages", "ted", "team_leader", "ada", 1440);
    assertThat(later.locator("#notes li .content")).hasText(new String[] {"note 5", "note 4", "note 3", "note 2", "note 1"});
    assertThat(later.locator("#items li")).hasCount(3);
    assertThat(later.getByText("Could not load")).hasCount(0);
    close(leader, later);
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
    assertThat(item.locator(".error")).containsText(failure(409));
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
    assertThat(page.locator("#items li .error")).containsText(failure(409));
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
}
