package dev.skillbus.web;

import dev.skillbus.Skillbus;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;

/**
 * The node and the Chromium of a class of browser tests: a fixture's {@code @BeforeAll} starts
 * them, and they are closed once the class is done.
 */
abstract class BrowserFixture {

  static Skillbus node;
  static Chromium chromium;

  /** Closes them; the next class starts from none, even if its start fails half-way. */
  @AfterAll
  static void stop() throws Exception {
    try {
      if (chromium != null) {
        chromium.close();
      }
      if (node != null) {
        node.close().await(30, TimeUnit.SECONDS);
      }
    } finally {
      chromium = null;
      node = null;
    }
  }
}
