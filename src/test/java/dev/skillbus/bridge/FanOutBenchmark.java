package dev.skillbus.bridge;

import dev.skillbus.protocol.Envelope;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The fan-out hot path of one node: a room event, as its envelope's JSON bytes arrive from the
 * event bus, written to every local member of the room (one operation = one event to all members).
 * {@code shared} is what the bridge does: one bridge frame and one WebSocket frame per event, a
 * retained duplicate of it per member, one flush per member per batch. {@code perSocket} is the
 * one-write-per-frame way (the frame built, copied and WebSocket-encoded for each member and
 * flushed at once), for comparison. {@code envelope} is the encoding of the event itself, done once
 * per event by the node that publishes it. Members are Netty embedded channels behind the
 * WebSocket encoder, so the figures leave out the kernel's share (one system call per flush).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = "-XX:ActiveProcessorCount=1")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class FanOutBenchmark {

  @Param({"30", "100"})
  public int members;

  private Buffer envelope;
  private Buffer prefix;
  private EmbeddedChannel[] channels;
  private RawBridgeSocket[] sockets;

  @Setup
  public void setUp() {
    envelope = cursorMoved().toBuffer();
    prefix = Frames.recPrefix("room.bench-0");
    channels = new EmbeddedChannel[members];
    sockets = new RawBridgeSocket[members];
    for (int i = 0; i < members; i++) {
      sockets[i] = new RawBridgeSocket(null, 0);
      channels[i] = new EmbeddedChannel(new WebSocket08FrameEncoder(false), sockets[i]);
    }
  }

  @TearDown
  public void tearDown() {
    for (EmbeddedChannel channel : channels) {
      channel.finishAndReleaseAll();
    }
  }

  @Benchmark
  public void shared(Blackhole sink) {
    OutFrame frame = new OutFrame(recFrame());
    for (RawBridgeSocket socket : sockets) {
      socket.write(frame);
    }
    frame.release();
    drain(sink);
  }

  @Benchmark
  public void perSocket(Blackhole sink) {
    for (EmbeddedChannel channel : channels) {
      Buffer frame = recFrame();
      channel.writeAndFlush(new TextWebSocketFrame(Unpooled.copiedBuffer(((BufferInternal) frame).getByteBuf())));
    }
    drain(sink);
  }

  @Benchmark
  public Buffer envelope() {
    return cursorMoved().toBuffer();
  }

  private Buffer recFrame() {
    return Buffer.buffer(prefix.length() + envelope.length() + 1)
      .appendBuffer(prefix).appendBuffer(envelope).appendBuffer(Frames.recSuffix());
  }

  private void drain(Blackhole sink) {
    for (EmbeddedChannel channel : channels) {
      channel.runPendingTasks();
      Object written;
      while ((written = channel.readOutbound()) != null) {
        sink.consume(written);
        ReferenceCountUtil.release(written);
      }
    }
  }

  private static JsonObject cursorMoved() {
    JsonObject data = new JsonObject().put("userId", "u17").put("cursor", new JsonObject().put("line", 42).put("column", 17));
    return Envelope.of("cursor-moved", "bench-0", data);
  }
}
