package dev.skillbus.bridge;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.impl.ConnectionBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bridge connection over a plain WebSocket ({@code /eventbus/websocket}), one bridge frame per
 * WebSocket message. Outbound frames are already-encoded WebSocket frames shared by every member
 * of a room: they go straight into the channel and are flushed once per {@link FlushBatch}, so
 * the frames a socket gets in one turn of the event loop leave in one system call.
 */
final class RawBridgeSocket implements BridgeSocket {

  private static final Logger LOG = LoggerFactory.getLogger(RawBridgeSocket.class);

  private static final String WEBSOCKET_HANDLER = "handler";

  private final ServerWebSocket ws;
  private final ChannelHandlerContext ctx;
  private final long flushDelayNanos;
  private boolean flushPending;
  private long lastFlush = System.nanoTime() - Long.MAX_VALUE / 2;

  RawBridgeSocket(ServerWebSocket ws, ChannelHandlerContext ctx, long flushDelayNanos) {
    this.ws = ws;
    this.ctx = ctx;
    this.flushDelayNanos = flushDelayNanos;
  }

  /**
   * Upgrades a request. The socket writes into the channel below Vert.x's WebSocket: its pipeline
   * context is the one Vert.x installs under the name {@code handler} when the upgrade completes.
   */
  static Future<RawBridgeSocket> upgrade(HttpServerRequest request, long flushDelayNanos) {
    Channel channel = ((ConnectionBase) request.connection()).channel();
    return request.toWebSocket()
      .map(ws -> new RawBridgeSocket(ws, channel.pipeline().context(WEBSOCKET_HANDLER), flushDelayNanos));
  }

  @Override
  public void start(Handler<Buffer> frames, Handler<Void> closed) {
    ws.textMessageHandler(text -> frames.handle(Buffer.buffer(text)));
    ws.binaryMessageHandler(frames);
    ws.closeHandler(closed);
    ws.exceptionHandler(e -> LOG.debug("WebSocket failed: {}", e.getMessage()));
  }

  @Override
  public void pause() {
    ws.pause();
  }

  @Override
  public void resume() {
    ws.resume();
  }

  @Override
  public void write(OutFrame frame) {
    ByteBuf bytes = frame.wire().retainedDuplicate();
    if (ctx.executor().inEventLoop()) {
      writeNow(bytes);
    } else {
      ctx.executor().execute(() -> writeNow(bytes));
    }
  }

  private void writeNow(ByteBuf bytes) {
    if (!ctx.channel().isActive()) {
      bytes.release();
      return;
    }
    ctx.write(bytes, ctx.voidPromise());
    if (!flushPending) {
      flushPending = true;
      boolean flushedRecently = System.nanoTime() - lastFlush < flushDelayNanos;
      FlushBatch.add(this, ctx.executor(), flushedRecently ? flushDelayNanos : 0);
    }
  }

  void flush() {
    flushPending = false;
    lastFlush = System.nanoTime();
    ctx.flush();
  }

  @Override
  public boolean writable() {
    return ctx.channel().isWritable();
  }

  @Override
  public void close(int code, String reason) {
    ws.close((short) code, reason);
  }
}
