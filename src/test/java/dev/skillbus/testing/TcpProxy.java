package dev.skillbus.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

/**
 * A TCP proxy on loopback whose target port can be changed: connections opened after the change go
 * to the new target, those opened before stay where they were, as when a DNS name moves to another
 * server (a managed Redis's failover).
 */
public final class TcpProxy {

  private final NetClient client;
  private volatile int target;
  private NetServer server;

  private TcpProxy(Vertx vertx, int target) {
    this.client = vertx.createNetClient();
    this.target = target;
  }

  /** A proxy listening on {@code port} that forwards to {@code target}. */
  public static Future<TcpProxy> start(Vertx vertx, int port, int target) {
    TcpProxy proxy = new TcpProxy(vertx, target);
    return vertx.createNetServer().connectHandler(proxy::forward).listen(port, "127.0.0.1").map(server -> {
      proxy.server = server;
      return proxy;
    });
  }

  /** New connections go to {@code port} from now on. */
  public void target(int port) {
    target = port;
  }

  private void forward(NetSocket socket) {
    socket.pause();
    client.connect(target, "127.0.0.1")
      .onSuccess(upstream -> {
        socket.pipeTo(upstream);
        upstream.pipeTo(socket);
        socket.resume();
      })
      .onFailure(err -> socket.close());
  }

  public Future<Void> close() {
    return Future.join(server.close(), client.close()).mapEmpty();
  }
}
