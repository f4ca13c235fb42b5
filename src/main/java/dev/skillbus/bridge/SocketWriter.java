package dev.skillbus.bridge;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.unix.Socket;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.internal.PromiseInternal;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What leaves one raw bridge socket ({@link RawBridgeSocket}): its frames, sent at once or batched
 * by {@link FlushBatch} within the flush window, and its close frame, after which the TCP
 * connection goes when the client answers or after {@link RawBridgeSocket#CLOSING_TIMEOUT_MS}.
 * Runs on the channel's event loop; a call from elsewhere is moved there.
 */
final class SocketWriter {

  private final ChannelHandlerContext ctx;
  /** The epoll socket a frame may be sent to straight from its shared buffer, or null (NIO). */
  private final Socket direct;
  private final long flushDelayNanos;
  /** Told of a failed direct send, as the channel would be. */
  private final Consumer<Throwable> failed;
  private boolean closeSent;
  private ScheduledFuture<?> closingTimeout;
  private boolean flushPending;
  /** The pending flush is the delayed batch's. */
  private boolean flushDelayed;
  private long lastFlush = System.nanoTime() - Long.MAX_VALUE / 2;

  SocketWriter(ChannelHandlerContext ctx, Socket direct, long flushDelayNanos, Consumer<Throwable> failed) {
    this.ctx = ctx;
    this.direct = direct;
    this.flushDelayNanos = flushDelayNanos;
    this.failed = failed;
  }

  /** A frame to the socket; {@code gather}: it may wait for the flush window (not a reply). */
  void write(OutFrame frame, boolean gather) {
    if (ctx.executor().inEventLoop()) {
      writeNow(frame.wire(), false, gather);
    } else {
      ByteBuf bytes = frame.wire().retainedDuplicate();
      ctx.executor().execute(() -> writeNow(bytes, true, gather));
    }
  }

  /** A frame flushed at once, behind what was queued before it; {@code written} completes as it is written. */
  void writeConfirmed(OutFrame frame, PromiseInternal<Void> written) {
    ByteBuf bytes = frame.wire().retainedDuplicate();
    if (ctx.executor().inEventLoop()) {
      writeAndFlush(bytes, written);
    } else {
      ctx.executor().execute(() -> writeAndFlush(bytes, written));
    }
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
      failed.accept(e);
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

  /**
   * The client closes: answer with its status (RFC 6455, 5.5.1), or with no status when it gave
   * none, then close the connection.
   */
  void answerClose(CloseWebSocketFrame close) {
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

  /**
   * Sends a close frame and closes the TCP connection once the client answers it, or after
   * {@link RawBridgeSocket#CLOSING_TIMEOUT_MS} (a client that stopped reading never answers).
   */
  void close(int code, String reason) {
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

  /** The TCP connection goes {@link RawBridgeSocket#CLOSING_TIMEOUT_MS} after a close frame, answered or not. */
  private void armClosingTimeout() {
    if (closingTimeout == null) {
      closingTimeout = ctx.executor().schedule(() -> {
        ctx.close();
      }, RawBridgeSocket.CLOSING_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }
  }

  /** The channel closed: the closing timeout has nothing left to close. */
  void closed() {
    if (closingTimeout != null) {
      closingTimeout.cancel(false);
      closingTimeout = null;
    }
  }
}
