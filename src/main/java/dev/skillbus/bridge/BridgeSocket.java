package dev.skillbus.bridge;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;

/**
 * The transport under one bridge connection: a raw WebSocket ({@code /eventbus/websocket}) or any
 * SockJS transport. Frames in, frames out; everything else about the bridge is the same on both.
 */
interface BridgeSocket {

  /** Sets the handlers: one call per frame received, one when the socket closes. */
  void start(Handler<Buffer> frames, Handler<Void> closed);

  void pause();

  void resume();

  /** Queues one frame for this socket; frames queued together reach the network together. */
  void write(OutFrame frame);

  /**
   * Queues one frame, as {@link #write}, and completes once the transport wrote it: handed it to the
   * operating system's socket (a WebSocket), or to the poll request that carries it (the polling
   * SockJS transports). Fails when the socket closed first. That is not the client having read it:
   * what the network and the client's machine hold when the connection ends is lost.
   */
  Future<Void> writeConfirmed(OutFrame frame);

  /**
   * Queues a frame the client is waiting for (a reply, an error): it does not wait out a flush
   * window that room events to this socket may be gathering in.
   */
  default void reply(OutFrame frame) {
    write(frame);
  }

  /** False while the client is not reading fast enough for the socket's buffer to drain. */
  boolean writable();

  /** How many bytes must drain before the socket is writable again (0 while it is). */
  long bytesBehind();

  /** Sets what runs, on the connection's context, each time the socket becomes writable again. */
  void drainHandler(Handler<Void> handler);

  void close(int code, String reason);
}
