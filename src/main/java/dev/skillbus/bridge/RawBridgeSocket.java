package dev.skillbus.bridge;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
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
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.ArrayDeque;
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
 * {@link FlushBatch}, at the end of the turn of the event loop or of the window (the writing side
 * is {@link SocketWriter}'s). Pings are answered; a close is answered and the TCP connection closed.
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
  private SocketWriter writer;
  private Handler<Buffer> frames;
  private Handler<Void> closed;
  private Handler<Void> drained;
  private ArrayDeque<Buffer> held;
  private boolean paused;
  // The client's close frame arrived: what it sends after that is not handed over.
  private boolean closeReceived;

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
    Socket direct = ctx.channel() instanceof EpollSocketChannel channel && channel.fd() instanceof Socket socket
      ? socket : null;
    writer = new SocketWriter(ctx, direct, flushDelayNanos, error -> exceptionCaught(ctx, error));
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
    writer.closed();
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


  /** The client closes: it is answered (see {@link SocketWriter#answerClose}), and nothing it sends after is read. */
  private void closeReceived(CloseWebSocketFrame close) {
    closeReceived = true;
    writer.answerClose(close);
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
    writer.write(frame, true);
  }

  @Override
  public void reply(OutFrame frame) {
    writer.write(frame, false);
  }

  @Override
  public Future<Void> writeConfirmed(OutFrame frame) {
    PromiseInternal<Void> written = context.promise();
    writer.writeConfirmed(frame, written);
    return written.future();
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

  /** See {@link SocketWriter#close}. */
  @Override
  public void close(int code, String reason) {
    writer.close(code, reason);
  }
}
