package dev.skillbus.coaching;

import static dev.skillbus.testing.Servers.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.Skillbus;
import dev.skillbus.auth.Identity;
import dev.skillbus.protocol.Inbound;
import dev.skillbus.protocol.Role;
import dev.skillbus.testing.BridgeClient;
import dev.skillbus.testing.RestClient;
import dev.skillbus.testing.Servers;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Notifications to a user whose node stopped serving: node A sends, the user was connected to the
 * node that hangs or dies. Each test takes a node of its own out of the cluster.
 */
@DisplayName("Notifications when the user's node hangs or dies")
class NotificationFailoverTest {

  static final long DELIVERY_TIMEOUT_MS = 1000;
  static Skillbus a;
  static Skillbus hung;
  static Skillbus killed;
  static Skillbus frozen;

  static JsonObject config(int port) {
    return Servers.config("notification-failover-test", port, 6341, 6344)
      .put("coaching", new JsonObject().put("deliveryTimeoutMs", DELIVERY_TIMEOUT_MS));
  }

  @BeforeAll
  static void start() throws Exception {
    a = Servers.start(config(6341));
    hung = Servers.start(config(6342));
    killed = Servers.start(config(6343));
    frozen = Servers.start(config(6344));
  }

  @AfterAll
  static void stop() throws Exception {
    Future.join(a.close(), hung.node().vertx().close(), killed.node().vertx().close(), frozen.node().vertx().close())
      .await(60, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("to a node that hangs (still a cluster member): not reported delivered, queued, and received on reconnecting elsewhere")
  void nodeHangs() throws Exception {
    connectedTo(hung, "nf-hana");
    CountDownLatch release = freeze(hung);
    try {
      JsonObject reply = await(notifyFromA("nf-hana", "Meeting moved"));
      assertThat(reply.getMap()).containsEntry("delivered", false).containsEntry("queued", true);
    } finally {
      hung.node().hazelcast().getLifecycleService().terminate();
      release.countDown();
    }
    assertReceivedOnA("nf-hana", "Meeting moved");
  }

  @Test
  @DisplayName("sent at once after the user's node was killed: not reported delivered, queued, and received on reconnecting elsewhere")
  void nodeKilled() throws Exception {
    connectedTo(killed, "nf-kai");
    // Killed as a crashed host dies: it stops answering, then the cluster loses it.
    CountDownLatch release = freeze(killed);
    killed.node().hazelcast().getLifecycleService().terminate();
    try {
      JsonObject reply = await(notifyFromA("nf-kai", "Build failed"));
      assertThat(reply.getMap()).containsEntry("delivered", false).containsEntry("queued", true);
    } finally {
      release.countDown();
    }
    assertReceivedOnA("nf-kai", "Build failed");
  }

  @Test
  @DisplayName("sent through node A's bridge while another node hangs: served by A's own coaching part, none handed to the hung node; the coaching REST API too")
  void servedByTheSendersNode() throws Exception {
    BridgeClient lead = await(BridgeClient.connectAs(a.node().vertx(), a.port(), "nf-lead", "instructor"));
    CountDownLatch release = freeze(frozen);
    try {
      for (int i = 0; i < 4; i++) {
        JsonObject reply = await(lead.call(Inbound.NOTIFY_SEND.address(),
          new JsonObject().put("userId", "nf-away").put("type", "info").put("message", "n" + i)));
        assertThat(reply.getMap()).as("notification %d", i).containsEntry("delivered", false).containsEntry("queued", true);
      }
      RestClient rest = await(RestClient.as(a.node().vertx(), a.port(), "nf-away", "agent"));
      for (int i = 0; i < 4; i++) {
        assertThat(await(rest.get("/api/agents/nf-away/notes")).status()).as("listing %d", i).isEqualTo(200);
      }
    } finally {
      frozen.node().hazelcast().getLifecycleService().terminate();
      release.countDown();
    }
    await(lead.close());
  }

  /** The user receives on their own address on that node. The client runs on node A's Vert.x. */
  private static void connectedTo(Skillbus node, String userId) throws Exception {
    BridgeClient client = await(BridgeClient.connectAs(a.node().vertx(), node.port(), userId, "learner"));
    await(client.registered("user." + userId));
  }

  /** Blocks every event loop of the node until released: it accepts nothing and answers nothing. */
  private static CountDownLatch freeze(Skillbus node) {
    CountDownLatch release = new CountDownLatch(1);
    for (EventExecutor loop : ((VertxInternal) node.node().vertx()).eventLoopGroup()) {
      loop.execute(() -> {
        try {
          release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
    }
    return release;
  }

  /** A {@code notify.send} from an instructor, served by node A's coaching part. */
  private static Future<JsonObject> notifyFromA(String userId, String text) {
    DeliveryOptions options = new Identity("nf-lead", "Lead", Role.INSTRUCTOR).stamp(new DeliveryOptions(), "nf-lead-conn")
      .setLocalOnly(true);
    JsonObject body = new JsonObject().put("userId", userId).put("type", "info").put("message", text);
    return a.node().vertx().eventBus().<JsonObject>request(Inbound.NOTIFY_SEND.address(), body, options)
      .map(Message::body);
  }

  private static void assertReceivedOnA(String userId, String text) throws Exception {
    BridgeClient back = await(BridgeClient.connectAs(a.node().vertx(), a.port(), userId, "learner"));
    back.register("user." + userId);
    JsonObject notification = await(back.event("user." + userId, "notification")).getJsonObject("data");
    assertThat(notification.getString("message")).isEqualTo(text);
  }
}
