package dev.skillbus.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import dev.skillbus.testing.Servers;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The live session page in Chromium: users who see each other, switch rooms, lose a room's history,
 * use the keyboard alone, and a page that reconnects after the node restarts (the last test).
 */
@Tag("browser")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("The live session page in Chromium")
class SessionPageBrowserTest extends WebPagesFixture {

  static final LocatorAssertions.HasAttributeOptions RESTART_WAIT = new LocatorAssertions.HasAttributeOptions().setTimeout(40_000);

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
    // The longest message there may be, of emoji: the field counts characters as the server does
    // (an emoji is one), so it holds all 4,000 and no more, and the message goes.
    String emoji = "\uD83D\uDE00".repeat(4000);
    field(ben, "Message").focus();
    ben.keyboard().insertText(emoji + "\uD83D\uDE00");
    assertThat(field(ben, "Message")).hasValue(emoji);
    field(ben, "Message").press("Enter");
    assertThat(ann.locator("#log li").last()).containsText("Ben: " + emoji);

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
  @DisplayName("live session: a user an admin takes out of the room is told so, and the page shows the room as left")
  void takenOutByAnAdmin() {
    Page kid = sessionPage("kick-room", "kid", "Kid", "learner", 1440);
    Page lea = sessionPage("kick-room", "lea", "Lea", "instructor", 1440);
    JsonObject left = asAdmin("POST", "/socket/rooms/leave", new JsonObject().put("roomId", "kick-room").put("userId", "kid"));
    assertThat(left.getInteger("connections")).isEqualTo(1);
    assertThat(kid.locator("#join-error")).hasText("An administrator took you out of session kick-room.");
    assertThat(button(kid, "Leave")).isDisabled();
    assertThat(button(kid, "Send")).isDisabled();
    assertThat(kid.locator("#participants li")).hasCount(0);
    assertThat(participant(lea, "kid")).hasCount(0);
    // Joined again from the page, as any join.
    button(kid, "Join").click();
    assertThat(participant(kid, "lea")).isVisible();
    assertThat(participant(lea, "kid")).isVisible();
    assertThat(kid.locator("#join-error")).isEmpty();
    close(kid, lea);
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
