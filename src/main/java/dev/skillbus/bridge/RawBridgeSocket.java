package dev.skillbus.bridge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.Socket;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.core.net.impl.ConnectionBase;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bridge connection over a plain WebSocket ({@code /eventbus/websocket}), one bridge frame per
 * WebSocket message, served by a Netty handler of its own once the upgrade is done.
 *
 * <p>Vert.x performs the handshake; then this handler takes the place of Vert.x's WebSocket in the
 * channel's pipeline, so that an open socket holds a Netty channel and this object, not Vert.x's
 * HTTP and WebSocket connection objects (about 13 KB a connection, two thirds of it their write
 * queues). Vert.x's metrics count the socket up to the upgrade; from then on the bridge's own
 * connection gauge does. Frames in are dispatched on the verticle's context, in order, and held
 * while the connection is paused. Outbound frames are already-encoded WebSocket frames shared by
 * every member of a room. On epoll, a frame for a socket with nothing queued that was not flushed
 * within the flush window is sent at once, straight from the shared buffer to the socket (one
 * system call, no per-socket buffer or queue entry; what the kernel does not take is queued in the
 * channel as usual). Other frames go into the channel and are flushed together by
 * {@link FlushBatch}, at the end of the turn of the event loop or of the window. Pings are
 * answered; a close is answered and the TCP connection closed.
 */
final class RawBridgeSocket extends ChannelInboundHandlerAdapter implements BridgeSocket {

  private static final Logger LOG = LoggerFactory.getLogger(RawBridgeSocket.class);

  /** The name of the pipeline handler Vert.x installs for an upgraded WebSocket. */
  private static final String VERTX_HANDLER = "handler";

  /** How long a close frame we sent waits for the client's before the TCP connection is closed. */
  static final long CLOSING_TIMEOUT_MS = 2000;

  private final ContextInternal context;
  private final long flushDelayNanos;
  private ChannelHandlerContext ctx;
  private Socket direct;
  private Handler<Buffer> frames;
  private Handler<Void> closed;
  private Handler<Void> drained;
  private ArrayDeque<Buffer> held;
  private boolean paused;
  private boolean closeSent;
  // The client's close frame arrived: what it sends after that is not handed over.
  private boolean closeReceived;
  private ScheduledFuture<?> closingTimeout;
  private boolean flushPending;
  /** The pending flush is the delayed batch's. */
  private boolean flushDelayed;
  private long lastFlush = System.nanoTime() - Long.MAX_VALUE / 2;

  RawBridgeSocket(ContextInternal context, long flushDelayNanos) {
    this.context = context;
    this.flushDelayNanos = flushDelayNanos;
  }

  /**
   * Upgrades a request and puts the socket in place of Vert.x's WebSocket. Messages are
   * reassembled from fragments up to {@code maxMessageBytes}; a longer one closes the socket (1009).
   */
  static Future<RawBridgeSocket> upgrade(HttpServerRequest request, int maxMessageBytes, long flushDelayNanos) {
    ContextInternal context = ((HttpServerRequestInternal) request).context();
    Channel channel = ((ConnectionBase) request.connection()).channel();
    return request.toWebSocket().map(ws -> {
      RawBridgeSocket socket = new RawBridgeSocket(context, flushDelayNanos);
      ChannelPipeline pipeline = channel.pipeline();
      ChannelHandlerContext vertx = pipeline.context(VERTX_HANDLER);
      ChannelHandler vertxHandler = vertx.handler();
      pipeline.addBefore(VERTX_HANDLER, "aggregator", new WebSocketFrameAggregator(maxMessageBytes));
      pipeline.replace(VERTX_HANDLER, "bridge", socket);
      // Vert.x's WebSocket is out of the pipeline and will see no more events: let it end its
      // bookkeeping (its metrics) now; nothing refers to its objects after this.
      try {
        ((ChannelInboundHandlerAdapter) vertxHandler).channelInactive(vertx);
      } catch (Exception e) {
        LOG.debug("Vert.x WebSocket did not detach cleanly: {}", e.getMessage());
      }
      return socket;
    });
  }

  // Netty side: runs on the channel's event loop, which is the verticle context's.

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    if (ctx.channel() instanceof EpollSocketChannel channel && channel.fd() instanceof Socket socket) {
      direct = socket;
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof WebSocketFrame frame)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    try {
      if (closeReceived) {
        return;
      }
      if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
        received(Buffer.buffer(ByteBufUtil.getBytes(frame.content())));
      } else if (frame instanceof PingWebSocketFrame) {
        // Only while the client reads: a pong is owed to the latest ping alone (RFC 6455, 5.5.3),
        // and pings from a client that does not read would queue pongs without bound.
        if (ctx.channel().isWritable()) {
          ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()), ctx.voidPromise());
        }
      } else if (frame instanceof CloseWebSocketFrame close) {
        closeReceived(close);
      }
    } finally {
      frame.release();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (closingTimeout != null) {
      closingTimeout.cancel(false);
      closingTimeout = null;
    }
    held = null;
    Handler<Void> handler = closed;
    if (handler != null) {
      context.emit(null, handler);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    Handler<Void> handler = drained;
    if (handler != null && ctx.channel().isWritable()) {
      context.emit(null, handler);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("WebSocket failed: {}", cause.getMessage());
    if (cause instanceof CorruptedWebSocketFrameException corrupt) {
      close(corrupt.closeStatus().code(), corrupt.closeStatus().reasonText());
    } else if (cause instanceof TooLongFrameException) {
      close(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), "message too big");
    } else {
      ctx.close();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    // Vert.x's server shutdown announces itself here, then closes the channel: nothing to do.
    ReferenceCountUtil.release(evt);
  }

  private void received(Buffer frame) {
    if (paused || frames == null || (held != null && !held.isEmpty())) {
      if (held == null) {
        held = new ArrayDeque<>(4);
      }
      held.add(frame);
    } else {
      context.emit(frame, frames);
    }
  }

  /**
   * The client closes: answer with its status (RFC 6455, 5.5.1), or with no status when it gave
   * none, then close the connection.
   */
  private void closeReceived(CloseWebSocketFrame close) {
    closeReceived = true;
    if (closeSent) {
      ctx.close();
      return;
    }
    closeSent = true;
    // statusCode() is -1 for a close without a body, which Netty counts as valid.
    int code = close.statusCode();
    CloseWebSocketFrame answer = code >= 0 && WebSocketCloseStatus.isValidStatusCode(code)
      ? new CloseWebSocketFrame(code, close.reasonText()) : new CloseWebSocketFrame(true, 0);
    ctx.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
    // Behind frames the client does not read, the answer may never be written.
    armClosingTimeout();
  }

  // Bridge side.

  /** Sets the handlers; frames read before this are held for them, in order. */
  @Override
  public void start(Handler<Buffer> frames, Handler<Void> closed) {
    this.frames = frames;
    this.closed = closed;
    if (held != null && !held.isEmpty()) {
      ctx.executor().execute(this::handOverHeld);
    }
  }

  @Override
  public void pause() {
    paused = true;
    ctx.channel().config().setAutoRead(false);
  }

  /**
   * Resumes reading. Frames held while paused are handed over from a task of their own, after
   * whatever the caller does next: the bridge resumes and then handles the frame it paused for.
   */
  @Override
  public void resume() {
    paused = false;
    if (held == null || held.isEmpty()) {
      ctx.channel().config().setAutoRead(true);
    } else {
      ctx.executor().execute(this::handOverHeld);
    }
  }

  private void handOverHeld() {
    while (!paused && frames != null && held != null && !held.isEmpty()) {
      context.emit(held.poll(), frames);
    }
    if (!paused && ctx.channel().isActive()) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  @Override
  public void write(OutFrame frame) {
    write(frame, true);
  }

  @Override
  public void reply(OutFrame frame) {
    write(frame, false);
  }

  private void write(OutFrame frame, boolean gather) {
    if (ctx.executor().inEventLoop()) {
      writeNow(frame.wire(), false, gather);
    } else {
      ByteBuf bytes = frame.wire().retainedDuplicate();
      ctx.executor().execute(() -> writeNow(bytes, true, gather));
    }
  }

  @Override
  public Future<Void> writeConfirmed(OutFrame frame) {
    PromiseInternal<Void> written = context.promise();
    ByteBuf bytes = frame.wire().retainedDuplicate();
    if (ctx.executor().inEventLoop()) {
      writeAndFlush(bytes, written);
    } else {
      ctx.executor().execute(() -> writeAndFlush(bytes, written));
    }
    return written.future();
  }

  /** Behind what was queued before it, flushed at once with it; {@code written} completes as Netty's write does. */
  private void writeAndFlush(ByteBuf frame, PromiseInternal<Void> written) {
    if (closeSent || !ctx.channel().isActive()) {
      frame.release();
      written.fail("the socket closed");
      return;
    }
    ctx.writeAndFlush(frame).addListener(written);
  }

  /**
   * Writes a frame: {@code owned} if this call is to release it, else it is shared and is only
   * read (retained if it must wait). A socket with nothing queued that was not flushed within the
   * window gets the frame at once, in one system call; otherwise it joins the socket's batch: the
   * delayed one when it was flushed within the window and the frame may {@code gather}, else the
   * batch of this turn of the loop.
   */
  private void writeNow(ByteBuf frame, boolean owned, boolean gather) {
    if (closeSent || !ctx.channel().isActive()) {
      if (owned) {
        frame.release();
      }
      return;
    }
    long now = System.nanoTime();
    boolean wait = gather && now - lastFlush < flushDelayNanos;
    if (!flushPending && !wait && direct != null && frame.hasMemoryAddress() && nothingQueued()) {
      lastFlush = now;
      sendDirectly(frame);
      if (owned) {
        frame.release();
      }
      return;
    }
    ctx.write(owned ? frame : frame.retainedDuplicate(), ctx.voidPromise());
    if (!flushPending) {
      flushPending = true;
      flushDelayed = wait;
      FlushBatch.add(this, ctx.executor(), wait ? flushDelayNanos : 0);
    } else if (flushDelayed && !wait) {
      // Waiting in the delayed batch: this frame, and those gathered with it, leave this turn.
      flushDelayed = false;
      FlushBatch.add(this, ctx.executor(), 0);
    }
  }

  /** Sends what the socket's buffer takes of the frame now; the channel queues the rest, if any. */
  private void sendDirectly(ByteBuf frame) {
    int sent;
    try {
      sent = direct.sendAddress(frame.memoryAddress(), frame.readerIndex(), frame.writerIndex());
    } catch (IOException e) {
      exceptionCaught(ctx, e);
      return;
    }
    int rest = frame.readableBytes() - sent;
    if (rest > 0) {
      ctx.writeAndFlush(frame.retainedSlice(frame.readerIndex() + sent, rest), ctx.voidPromise());
    }
  }

  private boolean nothingQueued() {
    ChannelOutboundBuffer queued = ctx.channel().unsafe().outboundBuffer();
    return queued != null && queued.totalPendingWriteBytes() == 0;
  }

  /**
   * Called by a batch. A socket can be in both batches (a reply moved it to this turn's): the
   * later call finds nothing pending, or a newer write's flush, which it does early.
   */
  void flush() {
    if (!flushPending) {
      // Nothing written since the last flush: leave lastFlush alone, so that the next frame of a
      // socket quiet since then goes out at once.
      return;
    }
    flushPending = false;
    flushDelayed = false;
    lastFlush = System.nanoTime();
    ctx.flush();
  }

  @Override
  public boolean writable() {
    return ctx.channel().isWritable();
  }

  @Override
  public long bytesBehind() {
    return ctx.channel().bytesBeforeWritable();
  }

  @Override
  public void drainHandler(Handler<Void> handler) {
    drained = handler;
  }

  /**
   * Sends a close frame and closes the TCP connection once the client answers it, or after
   * {@link #CLOSING_TIMEOUT_MS} (a client that stopped reading never answers).
   */
  @Override
  public void close(int code, String reason) {
    if (ctx.executor().inEventLoop()) {
      closeNow(code, reason);
    } else {
      ctx.executor().execute(() -> closeNow(code, reason));
    }
  }

  private void closeNow(int code, String reason) {
    if (closeSent || !ctx.channel().isActive()) {
      return;
    }
    closeSent = true;
    ctx.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    // Counted from now, not from when the frame is written: behind a full buffer it may never be.
    armClosingTimeout();
  }

  /** The TCP connection goes {@link #CLOSING_TIMEOUT_MS} after a close frame, answered or not. */
  private void armClosingTimeout() {
    if (closingTimeout == null) {
      closingTimeout = ctx.executor().schedule(() -> {
        ctx.close();
      }, CLOSING_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }
  }
}
