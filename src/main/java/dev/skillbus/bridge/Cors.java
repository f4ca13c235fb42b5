package dev.skillbus.bridge;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * CORS for the REST routes and SockJS alike, from {@code cors.origins} ({@code SOCKET_CORS_ORIGIN}):
 * exact origins, or patterns with {@code *} standing for one or more DNS labels
 * ({@code https://*.example.app}). In dev mode any localhost origin is allowed too. Outside dev
 * mode, a page of the node's own origin (the scheme, host and port the request was made to, as a
 * proxy in front says with {@code X-Forwarded-Proto} and {@code X-Forwarded-Host}) is served too:
 * browsers send an {@code Origin} with its WebSocket upgrades and its POSTs. Not in dev mode: there
 * a page whose name an attacker pointed at the node's address (DNS rebinding) would be "the node's
 * own origin", and could mint itself any token, admin included.
 */
final class Cors {

  private static final String LOCALHOST = "^https?://(localhost|127\\.0\\.0\\.1|\\[::1\\])(:\\d{1,5})?$";
  /** An origin whose host's first label is {@code *}, followed by two labels or more: the subdomains of one site. */
  private static final Pattern SUBDOMAINS = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://\\*(\\.[A-Za-z0-9-]+){2,}(:\\d{1,5})?$");
  // Never matches a real origin: with nothing configured, only same-origin pages are served (above).
  private static final String NOTHING = "^$";

  private Cors() {
  }

  static Handler<RoutingContext> handler(JsonArray origins, boolean dev) {
    CorsHandler cors = crossOrigin(origins, dev);
    if (dev) {
      return cors;
    }
    return ctx -> {
      String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
      if (origin != null && sameOrigin(origin, ctx.request())) {
        ctx.next();
      } else {
        cors.handle(ctx);
      }
    };
  }

  /** Whether {@code origin} is the one the request was made to. */
  static boolean sameOrigin(String origin, HttpServerRequest request) {
    URI page;
    try {
      page = new URI(origin);
    } catch (Exception notAnOrigin) {
      return false; // "null" (a sandboxed page) among them
    }
    String forwardedHost = first(request.getHeader("X-Forwarded-Host"));
    HostAndPort authority = forwardedHost != null ? HostAndPort.parseAuthority(forwardedHost, -1) : request.authority();
    String forwardedProto = first(request.getHeader("X-Forwarded-Proto"));
    String scheme = (forwardedProto != null ? forwardedProto : request.scheme()).toLowerCase(Locale.ROOT);
    if (page.getScheme() == null || page.getHost() == null || authority == null || !page.getScheme().equalsIgnoreCase(scheme)) {
      return false;
    }
    int port = authority.port() > 0 ? authority.port() : defaultPort(scheme);
    return page.getHost().equalsIgnoreCase(authority.host()) && (page.getPort() > 0 ? page.getPort() : defaultPort(scheme)) == port;
  }

  private static String first(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    int comma = header.indexOf(',');
    return (comma < 0 ? header : header.substring(0, comma)).trim();
  }

  private static int defaultPort(String scheme) {
    return scheme.equals("https") || scheme.equals("wss") ? 443 : 80;
  }

  private static CorsHandler crossOrigin(JsonArray origins, boolean dev) {
    CorsHandler cors = CorsHandler.create()
      .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PATCH, HttpMethod.DELETE, HttpMethod.OPTIONS))
      .allowedHeaders(Set.of("Content-Type", "Authorization"))
      .allowCredentials(true)
      .addOriginWithRegex(NOTHING);
    for (Object origin : origins) {
      String given = origin.toString();
      // A URL copied from a browser's address bar ends in a slash, which no Origin header has; and a
      // browser writes the scheme and host in lower case.
      String o = (given.endsWith("/") ? given.substring(0, given.length() - 1) : given).toLowerCase(Locale.ROOT);
      try {
        // A bare * (no scheme) would allow nothing; https://* or a * elsewhere than a first label, far more than subdomains.
        if (!isOrigin(o.replace("*", "x")) || o.contains("*") && !SUBDOMAINS.matcher(o).matches()) {
          throw new IllegalArgumentException("not an origin");
        }
        if (o.contains("*")) {
          cors.addOriginWithRegex(patternOf(o));
        } else {
          cors.addOrigin(o);
        }
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new IllegalStateException("bridge.cors.origins (SOCKET_CORS_ORIGIN): '" + given + "' is not an origin"
          + " (<scheme>://<host>[:<port>], as https://coach.example.com, or with * as the first label of a host of two"
          + " labels or more for its subdomains, as https://*.example.app)", e);
      }
    }
    if (dev) {
      cors.addOriginWithRegex(LOCALHOST);
    }
    return cors;
  }

  /**
   * Whether {@code s} is an origin: a scheme and a host, a port if any, and nothing else (no user,
   * path or query).
   */
  static boolean isOrigin(String s) {
    try {
      URI uri = new URI(s);
      return uri.getScheme() != null && uri.getHost() != null && uri.getRawUserInfo() == null
        && uri.getRawPath().isEmpty() && uri.getRawQuery() == null && uri.getRawFragment() == null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** {@code https://*.example.app} → a regex where the {@code *} is one or more DNS labels. */
  static String patternOf(String origin) {
    StringBuilder regex = new StringBuilder("(?i)^");
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
