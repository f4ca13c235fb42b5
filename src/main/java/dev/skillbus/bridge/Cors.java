package dev.skillbus.bridge;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * CORS for the REST routes and SockJS alike, from {@code cors.origins} ({@code SOCKET_CORS_ORIGIN}):
 * exact origins, or patterns with {@code *} standing for one or more DNS labels
 * ({@code https://*.example.app}). In dev mode any localhost origin is allowed too.
 */
final class Cors {

  private static final String LOCALHOST = "^https?://(localhost|127\\.0\\.0\\.1|\\[::1\\])(:\\d{1,5})?$";
  // Never matches a real origin: with nothing configured, only same-origin pages are served.
  private static final String NOTHING = "^$";

  private Cors() {
  }

  static CorsHandler handler(JsonArray origins, boolean dev) {
    CorsHandler cors = CorsHandler.create()
      .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PATCH, HttpMethod.DELETE, HttpMethod.OPTIONS))
      .allowedHeaders(Set.of("Content-Type", "Authorization"))
      .allowCredentials(true)
      .addOriginWithRegex(NOTHING);
    for (Object origin : origins) {
      String o = origin.toString();
      if (o.contains("*")) {
        cors.addOriginWithRegex(patternOf(o));
      } else {
        cors.addOrigin(o);
      }
    }
    if (dev) {
      cors.addOriginWithRegex(LOCALHOST);
    }
    return cors;
  }

  /** {@code https://*.example.app} → a regex where each {@code *} is one or more DNS labels. */
  static String patternOf(String origin) {
    StringBuilder regex = new StringBuilder("^");
    String[] parts = origin.split("\\*", -1);
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        regex.append("[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*");
      }
      regex.append(Pattern.quote(parts[i]));
    }
    return regex.append("$").toString();
  }
}
