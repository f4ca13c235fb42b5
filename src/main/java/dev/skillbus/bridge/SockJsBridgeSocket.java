package dev.skillbus.bridge;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bridge connection over a SockJS transport (WebSocket with SockJS framing, XHR, EventSource…).
 * SockJS's own write queue empties into the transport on every write made on its context, whether
 * the transport can take it or not, so it says little about a client that stopped reading: the
 * bytes written and not yet on the wire (or, for the polling transports, not yet polled) are
 * counted here, and past {@link #MAX_UNSENT_BYTES} the socket is not writable.
 */
final class SockJsBridgeSocket implements BridgeSocket {

  private static final Logger LOG = LoggerFactory.getLogger(SockJsBridgeSocket.class);
  /** As Netty's default high-water mark, which bounds a raw WebSocket the same way. */
  static final long MAX_UNSENT_BYTES = 64 * 1024;

  private final SockJSSocket socket;
  // The transport's: the socket is opened on it.
  private final Context context;
  // Written on the bridge's event loop, and the write futures complete there: no locking.
  private long unsentBytes;
  private Handler<Void> drained;

  SockJsBridgeSocket(SockJSSocket socket) {
    this.socket = socket;
    this.context = Vertx.currentContext();
  }

  @Override
  public void start(Handler<Buffer> frames, Handler<Void> closed) {
    socket.handler(frames);
    socket.closeHandler(closed);
    socket.exceptionHandler(e -> LOG.debug("SockJS socket failed: {}", e.getMessage()));
    socket.drainHandler(v -> announceDrained());
  }

  @Override
  public void pause() {
    socket.pause();
  }

  @Override
  public void resume() {
    socket.resume();
  }

  @Override
  public void write(OutFrame frame) {
    send(frame.json());
  }

  @Override
  public Future<Void> writeConfirmed(OutFrame frame) {
    return send(frame.json());
  }

  private Future<Void> send(Buffer json) {
    int length = json.length();
    unsentBytes += length;
    Future<Void> written = socket.write(json);
    written.onComplete(ar -> {
      // A field compare, run for every frame: the transport's own queue has its drainHandler.
      boolean wasFull = unsentBytes >= MAX_UNSENT_BYTES;
      unsentBytes -= length;
      if (wasFull) {
        announceDrained();
      }
    });
    return written;
  }

  private void announceDrained() {
    if (drained != null && writable()) {
      drained.handle(null);
    }
  }

  @Override
  public boolean writable() {
    return unsentBytes < MAX_UNSENT_BYTES && !socket.writeQueueFull();
  }

  @Override
  public long bytesBehind() {
    return writable() ? 0 : Math.max(1, unsentBytes - MAX_UNSENT_BYTES);
  }

  @Override
  public void drainHandler(Handler<Void> handler) {
    drained = handler;
  }

  @Override
  public void close(int code, String reason) {
    // A write from another context reaches the transport in a task of its own, and a close drops
    // what has not: close in a task queued after those writes (a frame saying why the socket closes).
    context.runOnContext(v -> socket.close(code, reason));
  }
}
