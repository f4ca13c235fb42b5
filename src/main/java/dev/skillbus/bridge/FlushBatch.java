package dev.skillbus.bridge;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Raw sockets written to but not flushed yet, on one event loop, and the one task that flushes
 * them together. A socket joins the batch of this turn of the loop (flushed after the work already
 * queued, so frames that become ready together leave in one system call per socket and a lone
 * frame waits for nothing but the tasks ahead of it), or, when it was flushed very recently, the
 * delayed batch, flushed once the {@code flushDelayMicros} window has passed. A socket that
 * receives many small frames is thus flushed at most about once per window, a quiet one at once.
 * A reply never waits for the window: it joins this turn's batch, and takes along the frames
 * gathered for the delayed one.
 */
final class FlushBatch {

  private static final FastThreadLocal<FlushBatch[]> PER_LOOP = new FastThreadLocal<>() {
    @Override
    protected FlushBatch[] initialValue() {
      return new FlushBatch[] {new FlushBatch(), new FlushBatch()};
    }
  };

  private List<SocketWriter> pending = new ArrayList<>();
  private List<SocketWriter> flushing = new ArrayList<>();
  private boolean scheduled;

  private FlushBatch() {
  }

  /**
   * Called on {@code loop}, the socket's event loop, after a write that is not flushed yet: the
   * socket is flushed at the end of this turn ({@code delayNanos} 0) or after {@code delayNanos}.
   */
  static void add(SocketWriter socket, EventExecutor loop, long delayNanos) {
    FlushBatch[] batches = PER_LOOP.get();
    FlushBatch batch = delayNanos <= 0 ? batches[0] : batches[1];
    batch.pending.add(socket);
    if (!batch.scheduled) {
      batch.scheduled = true;
      if (delayNanos <= 0) {
        loop.execute(batch::flushAll);
      } else {
        loop.schedule(batch::flushAll, delayNanos, TimeUnit.NANOSECONDS);
      }
    }
  }

  private void flushAll() {
    scheduled = false;
    List<SocketWriter> sockets = pending;
    pending = flushing;
    flushing = sockets;
    for (SocketWriter socket : sockets) {
      socket.flush();
    }
    sockets.clear();
  }
}
