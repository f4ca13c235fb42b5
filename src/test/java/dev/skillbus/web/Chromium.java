package dev.skillbus.web;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A real Chromium for the browser tests, driven by Playwright: the system's Chromium (property
 * {@code skillbus.chromium}, default {@code /usr/bin/chromium}), never a downloaded one. Where it is
 * missing the tests fail saying so; the Maven build leaves them out on such machines and says that.
 * Each page's console errors and uncaught exceptions are collected, so a test can assert there were none.
 */
final class Chromium implements AutoCloseable {

  static final Path SCREENSHOTS = Paths.get("target", "screenshots");
  /** How long a page action or an assertion on the page waits for its condition. */
  static final int ACTION_TIMEOUT_MS = 15_000;

  private final Playwright playwright;
  private final Browser browser;
  private final List<String> pageErrors = Collections.synchronizedList(new ArrayList<>());

  private Chromium(Playwright playwright, Browser browser) {
    this.playwright = playwright;
    this.browser = browser;
  }

  static Chromium launch() {
    Path executable = Paths.get(System.getProperty("skillbus.chromium", "/usr/bin/chromium"));
    if (!Files.isExecutable(executable)) {
      throw new IllegalStateException("No Chromium at " + executable + ": the browser tests need it "
        + "(Debian: apt-get install -y chromium; or set -Dchromium.path=...)");
    }
    // Assertions on locators keep their own default (5 s), which page script, SockJS and a join
    // together can pass on a busy machine: they wait as long as the contexts' actions do.
    PlaywrightAssertions.setDefaultAssertionTimeout(ACTION_TIMEOUT_MS);
    Playwright playwright = Playwright.create(new Playwright.CreateOptions()
      .setEnv(java.util.Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
      .setExecutablePath(executable)
      .setHeadless(true)
      .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run")));
    return new Chromium(playwright, browser);
  }

  /** A new browser context (its own cookies and storage: another user) with one page, at a width. */
  Page open(String url, int width) {
    BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(width, 900));
    context.setDefaultTimeout(ACTION_TIMEOUT_MS);
    Page page = context.newPage();
    page.onConsoleMessage(m -> {
      if ("error".equals(m.type())) {
        pageErrors.add(url + ": console: " + m.text());
      }
    });
    page.onPageError(e -> pageErrors.add(url + ": uncaught: " + e));
    page.onResponse(r -> {
      if (r.status() >= 500) {
        pageErrors.add(url + ": HTTP " + r.status() + " from " + r.request().method() + " " + r.url());
      }
    });
    page.navigate(url);
    return page;
  }

  /** Console errors and uncaught exceptions of every page so far, emptied. */
  List<String> takeErrors() {
    synchronized (pageErrors) {
      List<String> errors = new ArrayList<>(pageErrors);
      pageErrors.clear();
      return errors;
    }
  }

  /**
   * The WCAG 2.1 A and AA violations axe-core finds in the page as it is now (colour contrast,
   * labels, names, landmarks, …), one line each: rule, help, where.
   */
  @SuppressWarnings("unchecked")
  static List<String> accessibilityViolations(Page page) {
    return (List<String>) page.evaluate("async () => {\n" + Axe.SOURCE + "\n"
      + "const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });\n"
      + "return result.violations.map(v => v.id + ': ' + v.help + ' at ' + v.nodes.map(n => n.target.join(' ')).join(', '));\n}");
  }

  /** axe-core's source, from the test packages (src/test/node, installed by the build). */
  private static final class Axe {
    static final String SOURCE = read(Paths.get("src/test/node/node_modules/axe-core/axe.min.js"));

    private static String read(Path file) {
      try {
        return Files.readString(file);
      } catch (java.io.IOException e) {
        throw new IllegalStateException("axe-core is missing at " + file + ": run npm ci in src/test/node (the build does)", e);
      }
    }
  }

  /** Saves a full-page screenshot as target/screenshots/{name}.png. */
  static Path screenshot(Page page, String name) {
    Path file = SCREENSHOTS.resolve(name + ".png");
    page.screenshot(new Page.ScreenshotOptions().setPath(file).setFullPage(true));
    return file;
  }

  /** Closes a page's whole context. */
  static void close(Page page) {
    page.context().close();
  }

  /** Closes every page still open (a failed test's), so that none of them acts on the next test. */
  void closeAllPages() {
    browser.contexts().forEach(BrowserContext::close);
  }

  @Override
  public void close() {
    browser.close();
    playwright.close();
  }
}
