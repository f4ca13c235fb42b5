package dev.skillbus.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.ClusterNode;
import dev.skillbus.testing.Clients;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A node given a JWT secret and nothing about dev mode, which is then off, with no allowed origins configured: pages of its own origin (as the
 * browser or a proxy in front names it) connect and call it, pages of any other origin do not.
 */
@DisplayName("A production node (given JWT_SECRET, nothing about dev mode) without SOCKET_CORS_ORIGIN")
class SameOriginTest {

  static ClusterNode node;
  static Vertx vertx;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    node = ClusterNode.start(new JsonObject().put("name", "same-origin-test").put("port", 5898)
      .put("members", new JsonArray().add("127.0.0.1:5898"))).await(60, TimeUnit.SECONDS);
    vertx = node.vertx();
    BridgeVerticle bridge = new BridgeVerticle();
    vertx.deployVerticle(bridge, new DeploymentOptions().setConfig(new JsonObject().put("port", 0).put("host", "127.0.0.1")
      .put("nodeId", "same-origin-node")
      .put("auth", new JsonObject().put("secret", "same-origin-test-secret-123")))).await(30, TimeUnit.SECONDS);
    port = bridge.actualPort();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close().await(30, TimeUnit.SECONDS);
  }

  static int info(MultiMap headers) throws Exception {
    return Clients.http(vertx, http -> http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
        .setPort(port).setURI("/eventbus/info").setHeaders(headers))
      .compose(req -> req.send())
      .compose(resp -> resp.body().map(b -> resp.statusCode()))).await(10, TimeUnit.SECONDS);
  }

  static int upgrade(String origin) throws Exception {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
      .setURI("/eventbus/websocket").addHeader("Origin", origin);
    return Clients.websocket(vertx, options)
      .compose(connected -> connected.socket().close().transform(ar -> Clients.closeClient(connected.client())).map(101))
      .recover(err -> err instanceof UpgradeRejectedException rejected
        ? Future.succeededFuture(rejected.getStatus()) : Future.failedFuture(err))
      .await(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("serves a page of its own origin: SockJS, the raw WebSocket, and behind a proxy that says where it was called")
  void ownOrigin() throws Exception {
    String own = "http://127.0.0.1:" + port;
    assertThat(info(MultiMap.caseInsensitiveMultiMap().add("Origin", own))).isEqualTo(200);
    assertThat(upgrade(own)).isEqualTo(101);
    assertThat(info(MultiMap.caseInsensitiveMultiMap().add("Origin", "https://coach.example.com")
      .add("X-Forwarded-Proto", "https").add("X-Forwarded-Host", "coach.example.com"))).isEqualTo(200);
  }

  @Test
  @DisplayName("in dev mode, allows localhost pages only: a page whose name points at the node (DNS rebinding) gets no token")
  void devModeTrustsNoHostName() throws Exception {
    BridgeVerticle dev = new BridgeVerticle();
    String deployment = vertx.deployVerticle(dev, new DeploymentOptions().setConfig(new JsonObject().put("port", 0)
      .put("host", "127.0.0.1").put("nodeId", "same-origin-dev-node"))).await(30, TimeUnit.SECONDS);
    try {
      int devPort = dev.actualPort();
      for (String host : List.of("attacker.example:" + devPort, "localhost:" + devPort)) {
        String origin = "http://" + host;
        int status = Clients.http(vertx, http -> http.request(new RequestOptions().setMethod(HttpMethod.POST)
            .setHost("127.0.0.1").setPort(devPort).setURI("/api/auth/token")
            .putHeader("Host", host).putHeader("Origin", origin).putHeader("content-type", "application/json"))
          .compose(req -> req.send(new JsonObject().put("userId", "mallory").put("role", "admin").encode()))
          .compose(resp -> resp.body().map(b -> resp.statusCode()))).await(10, TimeUnit.SECONDS);
        assertThat(status).as(origin).isEqualTo(host.startsWith("localhost") ? 200 : 403);
      }
    } finally {
      vertx.undeploy(deployment).await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("given JWT_SECRET and no SKILLBUS_DEV, issues no dev tokens: a token signed with the shared secret is not for anyone to take")
  void noDevTokensWithASecret() throws Exception {
    String own = "http://127.0.0.1:" + port;
    int status = Clients.http(vertx, http -> http.request(new RequestOptions().setMethod(HttpMethod.POST)
        .setHost("127.0.0.1").setPort(port).setURI("/api/auth/token").putHeader("Origin", own)
        .putHeader("content-type", "application/json"))
      .compose(req -> req.send(new JsonObject().put("userId", "mallory").put("role", "admin").encode()))
      .compose(resp -> resp.body().map(b -> resp.statusCode()))).await(10, TimeUnit.SECONDS);
    assertThat(status).isEqualTo(404);
    assertThat(BridgeVerticle.devMode(new JsonObject())).as("no secret: dev mode with the dev secret").isTrue();
    assertThat(BridgeVerticle.devMode(new JsonObject().put("dev", true).put("auth", new JsonObject().put("secret", "s"))))
      .as("asked for").isTrue();
  }

  @Test
  @DisplayName("refuses a page of any other origin, another scheme or port of its host included")
  void otherOrigins() throws Exception {
    assertThat(info(MultiMap.caseInsensitiveMultiMap().add("Origin", "https://evil.example.com"))).isEqualTo(403);
    assertThat(upgrade("https://evil.example.com")).isEqualTo(403);
    assertThat(info(MultiMap.caseInsensitiveMultiMap().add("Origin", "https://127.0.0.1:" + port))).isEqualTo(403);
    assertThat(info(MultiMap.caseInsensitiveMultiMap().add("Origin", "http://127.0.0.1:" + (port + 1)))).isEqualTo(403);
    assertThat(upgrade("http://localhost:3000")).as("localhost is allowed in dev mode only").isEqualTo(403);
    assertThat(info(MultiMap.caseInsensitiveMultiMap().add("Origin", "null"))).isEqualTo(403);
  }
}
