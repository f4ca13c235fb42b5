package dev.skillbus.bridge;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The browser client and the demo pages: {@code webroot} on the classpath ({@code /skillbus.js},
 * the pages, {@code /vendor/*} put there by the build), {@code /test-websocket}. Registered after
 * every other route, so a file never shadows the API or the bridge. The pages load scripts and
 * styles only from this origin and show user content as text; the content security policy makes a
 * slip there harmless (no inline script runs).
 */
final class WebPages {

  static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
    + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    + "frame-ancestors 'none'";

  /** The SockJS client that the build puts among the pages. */
  static final String SOCKJS_CLIENT = "/vendor/sockjs.min.js";

  private WebPages() {
  }

  static void routes(Router router) {
    router.get("/test-websocket").handler(ctx -> ctx.reroute("/test-websocket.html"));
    router.route().method(HttpMethod.GET).method(HttpMethod.HEAD).handler(WebPages::headers);
    router.route().method(HttpMethod.GET).method(HttpMethod.HEAD)
      .handler(StaticHandler.create("webroot").setIndexPage("index.html").setCachingEnabled(false));
  }

  private static void headers(RoutingContext ctx) {
    ctx.response().headers()
      .set("Content-Security-Policy", CONTENT_SECURITY_POLICY)
      .set("X-Content-Type-Options", "nosniff")
      .set("Referrer-Policy", "no-referrer")
      // Revalidate on every load: a new skillbus.js reaches browsers with the next deployment.
      .set(HttpHeaders.CACHE_CONTROL, "no-cache");
    ctx.next();
  }
}
