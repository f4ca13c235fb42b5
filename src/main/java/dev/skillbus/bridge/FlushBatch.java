package dev.skillbus.bridge;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The raw sockets written to since the last flush on one event loop. The first write schedules one
 * task that flushes them all: with no delay, after the work already queued on that loop, so frames
 * that become ready together (several room events handled in one turn) leave in one system call
 * per socket and a lone frame waits for nothing but the tasks ahead of it; with a delay (the
 * {@code flushDelayMicros} setting), frames gather for that long, trading latency for fewer system
 * calls when each socket receives many small frames.
 */
final class FlushBatch {

  private static final FastThreadLocal<FlushBatch> PER_LOOP = new FastThreadLocal<>() {
    @Override
    protected FlushBatch initialValue() {
      return new FlushBatch();
    }
  };

  private List<RawBridgeSocket> pending = new ArrayList<>();
  private List<RawBridgeSocket> flushing = new ArrayList<>();
  private boolean scheduled;

  private FlushBatch() {
  }

  /** Called on {@code loop}, the socket's event loop, after a write that is not flushed yet. */
  static void add(RawBridgeSocket socket, EventExecutor loop, long delayNanos) {
    FlushBatch batch = PER_LOOP.get();
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
    List<RawBridgeSocket> sockets = pending;
    pending = flushing;
    flushing = sockets;
    for (RawBridgeSocket socket : sockets) {
      socket.flush();
    }
    sockets.clear();
  }
}
