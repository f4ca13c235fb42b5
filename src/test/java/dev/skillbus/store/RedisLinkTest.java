package dev.skillbus.store;

import static dev.skillbus.store.StoreAssertions.assertRefused;
import static dev.skillbus.store.StoreAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.testing.Eventually;
import dev.skillbus.testing.TcpProxy;
import dev.skillbus.testing.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(VertxExtension.class)
@DisplayName("The link to Redis")
class RedisLinkTest {

  /** Nothing listens here. */
  private static final String NOWHERE = "redis://127.0.0.1:6009";

  @RegisterExtension
  static final TestRedis REDIS = new TestRedis(6005);
  @RegisterExtension
  static final TestRedis LOCKED = new TestRedis(6006, "s3cret");

  private static RedisLink started(Vertx vertx, String url) {
    RedisLink link = new RedisLink(vertx, TestRedis.settings(url));
    await(link.start());
    return link;
  }

  private static long millisOf(Future<?> operation) {
    long start = System.nanoTime();
    await(operation.otherwiseEmpty());
    return (System.nanoTime() - start) / 1_000_000;
  }

  @Test
  @DisplayName("when Redis cannot be reached, health says down and commands fail at once with 503")
  void unreachable(Vertx vertx) {
    RedisLink link = started(vertx, NOWHERE);
    DocumentStore docs = new RedisDocumentStore(link, 1024);
    assertThat(link.up()).isFalse();
    assertThat(link.toJson()).isEqualTo(new JsonObject().put("type", "redis").put("redis", "down"));
    assertRefused(docs.put("session", "s1", new JsonObject(), null), ErrorCode.UNAVAILABLE);
    assertThat(millisOf(docs.get("session", "s1"))).isLessThan(TestRedis.settings(NOWHERE).commandTimeoutMs());
    await(link.close());
  }

  @Test
  @DisplayName("a value over the limit and an id out of the rules are refused (413, 400) before anything reaches Redis")
  void refusedBeforeRedis(Vertx vertx) {
    RedisLink link = started(vertx, NOWHERE);
    assertRefused(new RedisDocumentStore(link, 16).put("session", "s1", new JsonObject().put("t", "x".repeat(16)), null),
      ErrorCode.TOO_LARGE);
    assertRefused(new RedisListStore(link, 16, 5).add("notes", "a", new JsonObject().put("t", "x".repeat(16))),
      ErrorCode.TOO_LARGE);
    assertRefused(new RedisInbox(link, 16, 5, 60, 10).push("u:*", new JsonObject()), ErrorCode.BAD_REQUEST);
    await(link.close());
  }

  @Test
  @DisplayName("uses the password and database index of the URL, and is down with a wrong password")
  void passwordAndDatabase(Vertx vertx) {
    RedisLink link = started(vertx, "redis://:s3cret@127.0.0.1:6006/3");
    await(new RedisDocumentStore(link, 1024).put("session", "in-db-3", new JsonObject(), null));
    String key = "test:doc:session:in-db-3";
    String base = "redis://:s3cret@127.0.0.1:6006/";
    assertThat(await(LOCKED.command(vertx, base + "3", Request.cmd(Command.EXISTS).arg(key))).toInteger()).isEqualTo(1);
    assertThat(await(LOCKED.command(vertx, base + "0", Request.cmd(Command.EXISTS).arg(key))).toInteger()).isZero();
    RedisLink wrong = started(vertx, "redis://:not-it@127.0.0.1:6006/3");
    assertThat(wrong.up()).isFalse();
    assertRefused(new RedisDocumentStore(wrong, 1024).get("session", "in-db-3"), ErrorCode.UNAVAILABLE);
    await(Future.join(link.close(), wrong.close()));
  }

  @Test
  @DisplayName("comes back by itself when every connection it holds goes silent (a dead host) while new ones get through")
  void silentConnections(Vertx vertx) throws Exception {
    TcpProxy proxy = await(TcpProxy.start(vertx, 6008, 6005));
    // One connection in the pool: once it hangs, nothing else can be sent on this client.
    RedisLink link = new RedisLink(vertx, new RedisSettings("redis://127.0.0.1:6008", "test:", 500, 100, 200, 1));
    await(link.start());
    DocumentStore docs = new RedisDocumentStore(link, 1024);
    Document written = await(docs.put("session", "through-silence", new JsonObject().put("n", 1), null));
    assertThat(proxy.opened()).isEqualTo(1);
    proxy.silence();
    await(Eventually.holds(vertx, 20, 10_000, () -> Future.succeededFuture(!link.up())));
    await(Eventually.holds(vertx, 50, 10_000, () -> Future.succeededFuture(link.up())));
    assertThat(await(docs.get("session", "through-silence"))).isEqualTo(written);
    assertThat(proxy.opened()).isGreaterThan(1);
    await(Future.join(link.close(), proxy.close()));
  }

  @Test
  @DisplayName("a Redis that stalls a little longer than the command timeout answers the commands under way once it is back")
  void briefStall(Vertx vertx) throws Exception {
    RedisLink link = started(vertx, REDIS.url());
    String key = "test:stall:" + System.nanoTime();
    // Redis stops answering for 1.5 s (the link's timeout is 1 s): a check sent before 0.2 s times out
    // while Redis still sleeps. Commands sent at 0.6 and 0.9 s are answered when it wakes up, in time.
    Future<?> stalled = REDIS.command(vertx, REDIS.url(), Request.cmd(Command.DEBUG).arg("SLEEP").arg("1.5"));
    io.vertx.core.Promise<Future<io.vertx.redis.client.Response>> first = io.vertx.core.Promise.promise();
    io.vertx.core.Promise<Future<io.vertx.redis.client.Response>> second = io.vertx.core.Promise.promise();
    vertx.setTimer(600, id -> first.complete(link.send(Request.cmd(Command.INCR).arg(key))));
    vertx.setTimer(900, id -> second.complete(link.send(Request.cmd(Command.INCR).arg(key))));
    await(stalled);
    // Both were made (on two connections, in either order).
    assertThat(List.of(await(await(first.future())).toInteger(), await(await(second.future())).toInteger()))
      .containsExactlyInAnyOrder(1, 2);
    await(link.close());
  }

  @Test
  @DisplayName("comes back by itself when Redis restarts, and what was written before is still there")
  void reconnects(Vertx vertx) throws Exception {
    RedisLink link = started(vertx, REDIS.url());
    DocumentStore docs = new RedisDocumentStore(link, 1024);
    Document written = await(docs.put("session", "kept", new JsonObject().put("n", 1), null));
    REDIS.stop();
    await(Eventually.holds(vertx, 50, 10_000, () -> Future.succeededFuture(!link.up())));
    assertRefused(docs.get("session", "kept"), ErrorCode.UNAVAILABLE);
    REDIS.start();
    await(Eventually.holds(vertx, 50, 10_000, () -> Future.succeededFuture(link.up())));
    assertThat(await(docs.get("session", "kept"))).isEqualTo(written);
    await(link.close());
  }

  @Test
  @DisplayName("with rediss://, speaks TLS to Redis, and refuses a certificate that does not name the URL's host")
  void tls(Vertx vertx) throws Exception {
    SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
    TcpProxy tls = await(TcpProxy.start(vertx, new NetServerOptions().setSsl(true)
      .setKeyCertOptions(certificate.keyCertOptions()), 6013, 6005));
    Path trusted = Files.createTempFile("redis-tls", ".p12");
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    try (InputStream pem = Files.newInputStream(Path.of(certificate.certificatePath()))) {
      store.setCertificateEntry("redis", CertificateFactory.getInstance("X.509").generateCertificate(pem));
    }
    try (OutputStream out = Files.newOutputStream(trusted)) {
      store.store(out, "changeit".toCharArray());
    }
    // As a node is told to trust a private certificate authority: the JVM's trust store.
    System.setProperty("javax.net.ssl.trustStore", trusted.toString());
    System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
    System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
    try {
      RedisLink link = started(vertx, "rediss://localhost:6013");
      await(Eventually.holds(vertx, 50, 10_000, () -> Future.succeededFuture(link.up())));
      DocumentStore docs = new RedisDocumentStore(link, 1024);
      Document written = await(docs.put("session", "tls", new JsonObject().put("over", "tls"), null));
      assertThat(await(docs.get("session", "tls"))).isEqualTo(written);
      await(link.close());

      // The certificate names localhost, not 127.0.0.1: nothing is sent to a server that cannot show it is the one named.
      RedisLink otherName = started(vertx, "rediss://127.0.0.1:6013");
      assertThat(otherName.up()).isFalse();
      assertRefused(new RedisDocumentStore(otherName, 1024).get("session", "tls"), ErrorCode.UNAVAILABLE);
      await(otherName.close());
    } finally {
      System.clearProperty("javax.net.ssl.trustStore");
      System.clearProperty("javax.net.ssl.trustStorePassword");
      System.clearProperty("javax.net.ssl.trustStoreType");
      Files.delete(trusted);
      await(tls.close());
    }
  }
}
