package dev.skillbus.bridge;

import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.Inbound;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.PlatformHandler;
import java.util.List;
import java.util.Locale;

/**
 * The HTTP API's routes (design.md, HTTP API): the REST endpoints of the coaching and course parts
 * and the operations endpoints, each a request to a service's event-bus address, with their JSON
 * bodies, and a REST error body for a failure or a path no endpoint has.
 */
final class ApiRoutes {

  /** The largest body an endpoint takes. */
  static final long MAX_BODY = 64 * 1024;
  private static final String METRICS_PATH = "/metrics";
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  /**
   * The REST API reads JSON bodies only: one sent with a form's content type (curl -d) is read as
   * JSON too, never decoded as a form (a '%' or many '&' in its text would make that fail). A
   * platform handler, since it must run before the body handler.
   */
  private static final PlatformHandler JSON_BODY = ctx -> {
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type != null && type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
      ctx.request().headers().set(HttpHeaders.CONTENT_TYPE, "application/json");
    }
    ctx.next();
  };

  private ApiRoutes() {
  }

  /** Reads the JSON bodies of the API's requests: to be routed before any endpoint. */
  static void readBodies(Router router) {
    router.route("/api/*").handler(JSON_BODY).handler(bodies(MAX_BODY));
    router.route("/socket/*").handler(JSON_BODY).handler(bodies(MAX_BODY));
  }

  /** The endpoints, then the REST error body for the API's failures and for paths no endpoint has. */
  static void endpoints(Router router, RestApi api) {
    rest(api);
    ops(api);
    for (String path : List.of("/api/*", "/socket/*", METRICS_PATH)) {
      router.route(path).failureHandler(RestErrors::handleFailure);
      router.route(path).handler(ctx -> RestErrors.send(ctx, ErrorCode.NOT_FOUND, "no such endpoint"));
    }
  }

  /** The REST API: each endpoint is a request to a service's event-bus address (design.md, HTTP API). */
  private static void rest(RestApi api) {
    // Coaching: served by this node's coaching part, as its requests over the bridge are (see Inbound).
    api.local(HttpMethod.GET, "/api/sessions/:sessionId", Address.SESSION_GET, 200, RestApi.PATH_AND_QUERY)
      .local(HttpMethod.GET, "/api/agents/:agentId/notes", Address.NOTES_LIST, 200, RestApi.PATH_AND_QUERY)
      .local(HttpMethod.GET, "/api/agents/:agentId/action-items", Address.ACTIONS_LIST, 200, RestApi.PATH_AND_QUERY)
      .local(HttpMethod.PATCH, "/api/action-items/:id", Inbound.ACTIONS_UPDATE.address(), 200, RestApi.BODY_AND_PATH)
      .local(HttpMethod.DELETE, "/api/action-items/:id", Inbound.ACTIONS_DELETE.address(), 200, RestApi.BODY_AND_PATH)
      .local(HttpMethod.DELETE, "/api/notes/:id", Inbound.NOTES_DELETE.address(), 200, RestApi.BODY_AND_PATH);
    // Course generation (design.md, HTTP API); ":courseId" never matches "sessions/…" (one segment).
    api.route(HttpMethod.POST, "/api/courses/generate", Inbound.COURSE_GENERATE.address(), 202, RestApi.BODY_AND_PATH)
      .route(HttpMethod.GET, "/api/courses/sessions/:sessionId", Inbound.COURSE_STATUS.address(), 200, RestApi.PATH_AND_QUERY)
      .route(HttpMethod.POST, "/api/courses/sessions/:sessionId/cancel", Inbound.COURSE_CANCEL.address(), 200,
        RestApi.BODY_AND_PATH)
      .route(HttpMethod.GET, "/api/courses/:courseId", Address.COURSE_GET, 200, RestApi.PATH_AND_QUERY);
  }

  /** Operations (design.md, HTTP API): admin only; the ops part of this node answers for the cluster. */
  private static void ops(RestApi api) {
    api.admin(HttpMethod.GET, "/socket/stats", Address.OPS_STATS, 200, RestApi.PATH_AND_QUERY)
      .admin(HttpMethod.GET, "/socket/users", Address.OPS_USERS, 200, RestApi.PATH_AND_QUERY)
      .admin(HttpMethod.GET, "/socket/users/:userId/connected", Address.OPS_USER_CONNECTED, 200, RestApi.PATH_AND_QUERY)
      .admin(HttpMethod.GET, "/socket/rooms", Address.OPS_ROOMS, 200, RestApi.PATH_AND_QUERY)
      .admin(HttpMethod.POST, "/socket/rooms", Address.OPS_ROOM_CREATE, 201, RestApi.BODY_AND_PATH)
      .admin(HttpMethod.POST, "/socket/rooms/join", Address.OPS_ROOM_JOIN, 200, RestApi.BODY_AND_PATH)
      .admin(HttpMethod.POST, "/socket/rooms/leave", Address.OPS_ROOM_LEAVE, 200, RestApi.BODY_AND_PATH)
      .admin(HttpMethod.POST, "/socket/rooms/message", Address.OPS_ROOM_MESSAGE, 200, RestApi.BODY_AND_PATH)
      .admin(HttpMethod.POST, "/socket/notifications", Inbound.NOTIFY_SEND.address(), 200, RestApi.BODY_AND_PATH)
      .adminText(HttpMethod.GET, METRICS_PATH, Address.OPS_METRICS, PROMETHEUS_TEXT);
  }

  /**
   * Reads request bodies up to {@code limit} bytes into memory. File uploads are off: nothing here
   * takes a file, and Vert.x would otherwise write each multipart file to disk, token or not, and
   * leave it there.
   */
  static BodyHandler bodies(long limit) {
    return BodyHandler.create(false).setBodyLimit(limit);
  }
}
