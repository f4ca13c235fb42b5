package dev.skillbus.bridge;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A bridge connection over a SockJS transport (WebSocket with SockJS framing, XHR, EventSource…). */
final class SockJsBridgeSocket implements BridgeSocket {

  private static final Logger LOG = LoggerFactory.getLogger(SockJsBridgeSocket.class);

  private final SockJSSocket socket;

  SockJsBridgeSocket(SockJSSocket socket) {
    this.socket = socket;
  }

  @Override
  public void start(Handler<Buffer> frames, Handler<Void> closed) {
    socket.handler(frames);
    socket.closeHandler(closed);
    socket.exceptionHandler(e -> LOG.debug("SockJS socket failed: {}", e.getMessage()));
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
    socket.write(frame.json());
  }

  @Override
  public boolean writable() {
    return !socket.writeQueueFull();
  }

  @Override
  public void close(int code, String reason) {
    socket.close(code, reason);
  }
}
