package dev.skillbus.bridge;

import dev.skillbus.auth.Identity;
import dev.skillbus.auth.RoomAccess;
import dev.skillbus.auth.RoomRules;
import dev.skillbus.auth.TokenService;
import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.Fields;
import dev.skillbus.protocol.Internal;
import dev.skillbus.protocol.Role;
import dev.skillbus.ops.Metrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: the SockJS event-bus bridge at {@code /eventbus} with its guard, CORS, the
 * dev-token endpoint, the REST API, the operations endpoints ({@code /socket/*}, {@code /metrics},
 * answered by the ops part) and the browser client with its pages. One instance per node: it owns
 * the node's local room subscriptions.
 */
public class BridgeVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(BridgeVerticle.class);
  private static final String DEV_SECRET = "skillbus-dev-secret-change-me-in-production";

  /** How long a new subscription waits for the other nodes to route to it (Routes). */
  public static final long ROUTE_CONFIRM_DEADLINE_MS = 3000;

  /**
   * How long an admin's move waits for a connection's subscriptions (routes confirmed included)
   * before it answers that the connection did not move.
   */
  public static final long MOVE_REGISTER_WAIT_MS = ROUTE_CONFIRM_DEADLINE_MS + 1000;

  private final Metrics metrics;
  private final RoomRules rules;
  private Consumer<RoomAccess> ruleFollower;
  private final Supplier<Collection<String>> clusterNodes;
  private BridgeContext bridge;
  private HttpServer server;
  private long sweepTimer;
  private long connectionCounter;
  private String connPrefix;

  /** How long a bridge with this config waits for a service's answer to a request (then 503). */
  public static long requestTimeoutMs(JsonObject config) {
    return BridgeSettings.from(config).requestTimeoutMs();
  }

  /** A bridge with meters of its own and no room access rules (deployed alone, in tests). */
  public BridgeVerticle() {
    this(Metrics.create(), RoomRules.open(), List::of);
  }

  /**
   * A bridge that counts into the node's meters, whose guard obeys the rooms' access rules, and
   * whose new subscriptions wait until the nodes {@code clusterNodes} names route to them.
   */
  public BridgeVerticle(Metrics metrics, RoomRules rules, Supplier<Collection<String>> clusterNodes) {
    this.metrics = metrics;
    this.rules = rules;
    this.clusterNodes = clusterNodes;
  }

  @Override
  public Future<?> start() {
    JsonObject config = config();
    String nodeId = config.getString("nodeId", "local");
    connPrefix = nodeId.length() > 8 ? nodeId.substring(0, 8) : nodeId;
    BridgeSettings settings = BridgeSettings.from(config);
    TokenService tokens = new TokenService(vertx, authConfig(config));
    Routes routes = new Routes(vertx, nodeId, clusterNodes, ROUTE_CONFIRM_DEADLINE_MS);
    bridge = new BridgeContext(nodeId, vertx.eventBus(), tokens, new Guard(rules),
      new LocalRooms(vertx.eventBus(), routes), settings, new HashMap<>(), metrics);
    List<MessageConsumer<JsonObject>> consumers = new ArrayList<>(new BridgeAdmin(bridge).serve(vertx.eventBus()));
    consumers.add(routes.serve());
    consumers.addAll(new ConnectionDelivery(vertx, bridge.rooms()).serve(bridge.nodeId()));
    ConnectionSweep sweep = new ConnectionSweep(settings, bridge.connections());
    sweepTimer = vertx.setPeriodic(sweep.periodMs(), id -> sweep.run());
    server = vertx.createHttpServer(new HttpServerOptions()
      // A client that stopped reading never answers a close frame: drop its TCP connection soon.
      .setWebSocketClosingTimeout((int) TimeUnit.MILLISECONDS.toSeconds(RawBridgeSocket.CLOSING_TIMEOUT_MS))
      // Bridge frames are small; compressing each costs more CPU than it saves on the wire.
      .setPerMessageWebSocketCompressionSupported(false)
      .setPerFrameWebSocketCompressionSupported(false)
      .setMaxWebSocketFrameSize(maxWebSocketMessage(settings))
      .setMaxWebSocketMessageSize(maxWebSocketMessage(settings))
      // A JSON body sent with a form's content type (curl -d) is decoded as a form too, as one
      // attribute: it must not fail before the body's own limit does.
      .setMaxFormAttributeSize(maxBody(settings))
      .setMaxFormBufferedBytes(maxBody(settings)));
    server.requestHandler(router(config, tokens, settings));
    Context context = vertx.getOrCreateContext();
    ruleFollower = access -> context.runOnContext(v -> revokeRefused(access));
    rules.follow(ruleFollower);
    // Listens once its addresses are known to the cluster: a node joining a busy cluster can take
    // seconds to get there, and a load balancer that saw its health answer would send it clients
    // whose requests wait meanwhile.
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList())
      .compose(v -> listen(config.getString("host", "0.0.0.0"), config.getInteger("port", 8080)))
      .onSuccess(s -> LOG.info("Bridge listening on port {} (node {})", s.actualPort(), nodeId))
      .mapEmpty();
  }

  /** Listens, or fails naming the address and its settings (a port taken, a host not this machine's). */
  private Future<HttpServer> listen(String host, int port) {
    return server.listen(port, host).recover(err -> Future.failedFuture(new IllegalStateException("cannot listen on "
      + host + ":" + port + " (bridge.host HTTP_HOST, bridge.port HTTP_PORT): " + err.getMessage(), err)));
  }

  /**
   * A room's new rule: this node's connections registered on the room that it does not admit stop
   * receiving it (a 403 on its address), unless they are its members, who stay (see the README's
   * room access rules). Without this, whoever registered on a room id before an admin made that room
   * private would go on receiving everything in it, unseen. When this node's session part cannot say
   * who the members are, the check is made again a second later.
   */
  private void revokeRefused(RoomAccess access) {
    String address = Address.room(access.roomId());
    List<BridgeConnection> refused = bridge.connections().values().stream()
      .filter(c -> c.identity() != null && c.isRegisteredForUser(address) && !access.allows(c.identity()))
      .toList();
    if (refused.isEmpty()) {
      return;
    }
    Internal.localMemberships(vertx.eventBus())
      .onFailure(err -> {
        // Members stay (README): without knowing who they are, the check is made again a little later.
        LOG.warn("Room {} became private and its members on this node could not be read ({}): checking again in 1 s",
          access.roomId(), err.toString());
        vertx.setTimer(1000, id -> revokeRefused(access));
      })
      .onSuccess(members -> {
        for (BridgeConnection connection : refused) {
          JsonArray rooms = members.getJsonArray(connection.id(), new JsonArray());
          if (!rooms.contains(access.roomId())) {
            connection.revoke(address, ErrorCode.FORBIDDEN.exception("room '" + access.roomId() + "' is private: "
              + connection.identity().userId() + " may not receive it"));
          }
        }
      });
  }

  @Override
  public Future<?> stop() {
    rules.unfollow(ruleFollower);
    LOG.info("Bridge stopping with {} connections", bridge.connections().size());
    vertx.cancelTimer(sweepTimer);
    for (BridgeConnection connection : new ArrayList<>(bridge.connections().values())) {
      connection.close(1001, "server shutting down");
    }
    // The sockets are closed already; don't wait out the default graceful-shutdown period.
    return server == null ? Future.succeededFuture() : server.shutdown(2, TimeUnit.SECONDS);
  }

  /** The auth section, with a warning when dev tokens are issued: signed with the dev secret, or with the node's own. */
  private static JsonObject authConfig(JsonObject config) {
    JsonObject auth = authSettings(config);
    if (DEV_SECRET.equals(auth.getString("secret"))) {
      LOG.warn("No JWT_SECRET set: using the dev secret. Anyone can mint tokens for this node; set JWT_SECRET and SKILLBUS_DEV=false in production.");
    } else if (devMode(config)) {
      LOG.warn("SKILLBUS_DEV=true with JWT_SECRET set: POST /api/auth/token gives anyone a token of any role, signed with"
        + " JWT_SECRET and so valid wherever that secret is trusted. Leave SKILLBUS_DEV unset (or false) in production.");
    }
    return auth;
  }

  /**
   * Whether the bridge's config {@code config} runs dev mode (dev tokens, localhost origins): as
   * {@code dev} says, and when it says nothing, only while no secret is given, so that a node given
   * the secret its auth server shares is never a token issuer unless asked to be.
   */
  public static boolean devMode(JsonObject config) {
    Boolean dev = config.getBoolean("dev");
    return dev != null ? dev : config.getJsonObject("auth", new JsonObject()).getString("secret") == null;
  }

  /**
   * The auth section of the bridge's config {@code config}; in dev mode a missing secret falls back
   * to a well-known dev secret. {@link TokenService#check} says whether it can be used.
   */
  public static JsonObject authSettings(JsonObject config) {
    JsonObject auth = config.getJsonObject("auth", new JsonObject()).copy();
    if (devMode(config) && auth.getString("secret") == null) {
      auth.put("secret", DEV_SECRET);
    }
    return auth;
  }

  /** The port the server listens on (useful when configured with port 0). */
  public int actualPort() {
    return server.actualPort();
  }

  private Router router(JsonObject config, TokenService tokens, BridgeSettings settings) {
    boolean dev = devMode(config);
    Router router = Router.router(vertx);
    // A request Vert.x Web cannot even route (a malformed percent escape in its path or query)
    // gets the REST error body rather than a bare "Bad Request".
    router.errorHandler(400, ctx -> RestErrors.send(ctx, ErrorCode.BAD_REQUEST, "malformed request: "
      + (ctx.failure() != null && ctx.failure().getMessage() != null ? ctx.failure().getMessage() : "bad URL")));
    // So do the refusals of routes outside the API (SockJS, the pages): an origin CORS does not allow
    // (403), a SockJS POST over its limit (413), a path nothing serves (404). Answered here, they are
    // not logged as errors.
    router.errorHandler(403, RestErrors::handleFailure);
    router.errorHandler(404, RestErrors::handleFailure);
    router.errorHandler(413, RestErrors::handleFailure);
    router.route().handler(Cors.handler(config.getJsonObject("cors", new JsonObject()).getJsonArray("origins", new JsonArray()), dev));
    router.route(HealthHandler.PATH).method(HttpMethod.GET).method(HttpMethod.HEAD).handler(new HealthHandler(vertx.eventBus(), bridge.nodeId(), settings.requestTimeoutMs()));
    ApiRoutes.readBodies(router);
    if (dev) {
      router.post("/api/auth/token").handler(ctx -> issueDevToken(ctx, tokens));
    }
    SockJSHandlerOptions sockJs = new SockJSHandlerOptions()
      .setHeartbeatInterval(settings.pingIntervalMs())
      .setRegisterWriteHandler(false)
      // The iframe page of SockJS's iframe transports loads the client from this node, not from a CDN:
      // no third-party script runs in the node's origin.
      .setLibraryURL(WebPages.SOCKJS_CLIENT);
    // The raw WebSocket is served here rather than by SockJS: its frames are shared and batched.
    router.get("/eventbus/websocket").handler(this::upgradeRawWebSocket);
    // SockJS closes the connection after each answer to an xhr poll: said in the answer, a client that
    // keeps connections open does not send its next request (a poll, or frames) on the closed one.
    router.post("/eventbus/:server/:session/xhr").handler(ctx -> {
      ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
      ctx.next();
    });
    // The fallbacks without a WebSocket (xhr, xhr_streaming, eventsource, htmlfile) send by POST.
    router.post("/eventbus/*").handler(ApiRoutes.bodies(maxSockJsPost(settings)));
    router.route("/eventbus/*").subRouter(SockJSHandler.create(vertx, sockJs)
      .socketHandler(socket -> openConnection(new SockJsBridgeSocket(socket))));
    ApiRoutes.endpoints(router, new RestApi(router, vertx.eventBus(), tokens, settings.requestTimeoutMs()));
    // Browser client and demo pages: last, so that no file shadows a route above.
    WebPages.routes(router);
    return router;
  }

  /** The largest body any route takes. */
  private static int maxBody(BridgeSettings settings) {
    return (int) Math.max(ApiRoutes.MAX_BODY, Math.max(maxWebSocketMessage(settings), maxSockJsPost(settings)));
  }

  /**
   * The largest body a SockJS transport without a WebSocket may POST: sixteen times the frame limit
   * (1 MiB by default). The client gathers the frames queued while its last POST was under way into
   * the next one, so a burst of frames travels as one body; a larger POST is refused (413), which
   * the client takes for a lost session.
   */
  private static int maxSockJsPost(BridgeSettings settings) {
    return (int) Math.min(Integer.MAX_VALUE, settings.maxFrameBytes() * 16L);
  }

  /**
   * The longest WebSocket frame, and message reassembled from fragments, that is read: four times
   * the frame limit, so that a frame over that limit is answered with {@code too_large} rather than
   * a closed socket. Only beyond this does the socket close (1009).
   */
  private static int maxWebSocketMessage(BridgeSettings settings) {
    return (int) Math.min(Integer.MAX_VALUE, settings.maxFrameBytes() * 4L);
  }

  private void upgradeRawWebSocket(RoutingContext ctx) {
    if (!ctx.request().canUpgradeToWebSocket()) {
      ctx.response().setStatusCode(400).end("Can \"Upgrade\" only to \"WebSocket\".");
      return;
    }
    RawBridgeSocket.upgrade(ctx.request(), maxWebSocketMessage(bridge.settings()), bridge.settings().flushDelayMicros() * 1000L)
      .onSuccess(this::openConnection)
      .onFailure(ctx::fail);
  }

  private void openConnection(BridgeSocket socket) {
    String id = connPrefix + "-" + (++connectionCounter);
    BridgeConnection connection = new BridgeConnection(id, socket, bridge);
    bridge.connections().put(id, connection);
    connection.start();
  }

  private void issueDevToken(RoutingContext ctx, TokenService tokens) {
    JsonObject body = RestApi.BODY_AND_PATH.apply(ctx);
    String userId = Fields.requiredId(body, "userId", Fields.USER_ID);
    String name = Fields.optionalString(body, "name", TokenService.MAX_NAME_LENGTH);
    String roleName = Fields.optionalString(body, "role", 32);
    Role role = roleName == null ? Role.LEARNER : Role.of(roleName);
    if (role == null) {
      throw Fields.bad("'role' must be one of learner, instructor, team_leader, agent, admin");
    }
    Identity identity = new Identity(userId, TokenService.displayName(name, userId), role);
    ctx.json(new JsonObject().put("token", tokens.issue(identity)));
  }
}
