package dev.skillbus.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.skillbus.web.WebPagesFixture.button;
import static dev.skillbus.web.WebPagesFixture.failure;
import static dev.skillbus.web.WebPagesFixture.field;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.WebSocketRoute;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The live session, coaching, admin pages in Chromium when something goes wrong after they
 * connected: a rejoin the node refuses, a token that expires, a token the node will not issue, a
 * list that could not load.
 */
@Tag("browser")
@DisplayName("The web pages in Chromium, when the node refuses or a token expires")
class PageRecoveryBrowserTest extends PageRecoveryFixture {

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
    CoachingPageBrowserTest.addActionItem(page, "Listen back");
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
    // The notes are not known to be none: only the list that loaded says it is empty.
    assertThat(page.locator("#no-items")).isVisible();
    assertThat(page.locator("#no-notes")).isHidden();
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
    assertThat(chromium.takeErrors()).as("the refused list request, logged by the browser").allMatch(SAYS_503);
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
    assertThat(page.locator("#join-error")).containsText(failure(403));
    for (String name : List.of("Add note", "Add action item", "Save", "Load latest", "Send")) {
      assertThat(button(page, name)).isDisabled();
    }
    Chromium.close(page);
  }

  @Test
  @DisplayName("admin: the page goes on refreshing once its token expired, with a new one, and shows no error")
  void adminOutlivesItsToken() {
    Page admin = chromium.open(url("/admin.html?user=root"), 1440);
    button(admin, "Sign in").click();
    assertThat(admin.locator("#status")).hasText("Live");
    // The node keeps its store in memory: the Redis tile's long value stays inside it at 375 px too.
    assertThat(admin.locator("#health")).containsText("NOT CONFIGURED");
    WebPagesFixture.checkAndShoot(admin, "admin-in-memory", 375);
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
    assertThat(chromium.takeErrors()).as("the refused token request, logged by the browser").allMatch(SAYS_503);
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
