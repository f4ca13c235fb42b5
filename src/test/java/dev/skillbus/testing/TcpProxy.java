package dev.skillbus.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on loopback whose target port can be changed: connections opened after the change go
 * to the new target, those opened before stay where they were, as when a DNS name moves to another
 * server (a managed Redis's failover). The connections open at one moment can also be made to go
 * silent, as when their server's host dies.
 */
public final class TcpProxy {

  private final NetClient client;
  private final Set<Connection> open = ConcurrentHashMap.newKeySet();
  private volatile int opened;
  private volatile int target;
  private NetServer server;

  private TcpProxy(Vertx vertx, int target) {
    this.client = vertx.createNetClient();
    this.target = target;
  }

  /** A proxy listening on {@code port} that forwards to {@code target}. */
  public static Future<TcpProxy> start(Vertx vertx, int port, int target) {
    return start(vertx, new NetServerOptions(), port, target);
  }

  /** A proxy listening on {@code port} with these options (TLS, say) that forwards to {@code target} in the clear. */
  public static Future<TcpProxy> start(Vertx vertx, NetServerOptions options, int port, int target) {
    TcpProxy proxy = new TcpProxy(vertx, target);
    return vertx.createNetServer(options).connectHandler(proxy::forward).listen(port, "127.0.0.1").map(server -> {
      proxy.server = server;
      return proxy;
    });
  }

  /** New connections go to {@code port} from now on. */
  public void target(int port) {
    target = port;
  }

  /**
   * The connections open now carry nothing more either way, and are not closed: as when the host
   * behind them died or dropped off the network. Connections opened later go through.
   */
  public void silence() {
    open.forEach(connection -> connection.silenced = true);
  }

  /** How many connections were opened through the proxy so far. */
  public int opened() {
    return opened;
  }

  private void forward(NetSocket socket) {
    socket.pause();
    client.connect(target, "127.0.0.1")
      .onSuccess(upstream -> {
        opened++;
        Connection connection = new Connection();
        open.add(connection);
        socket.handler(data -> connection.pass(upstream, data));
        upstream.handler(data -> connection.pass(socket, data));
        socket.closeHandler(v -> {
          open.remove(connection);
          upstream.close();
        });
        upstream.closeHandler(v -> {
          open.remove(connection);
          socket.close();
        });
        socket.resume();
      })
      .onFailure(err -> socket.close());
  }

  /** One client connection and its upstream. */
  private static final class Connection {
    private volatile boolean silenced;

    void pass(NetSocket to, Buffer data) {
      if (!silenced) {
        to.write(data);
      }
    }
  }

  public Future<Void> close() {
    return Future.join(server.close(), client.close()).mapEmpty();
  }
}
