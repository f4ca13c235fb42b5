package dev.skillbus.bridge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * One bridge frame on its way to one or more sockets. It holds the frame's JSON bytes (what SockJS
 * transports write) and, built on first use, the same bytes as a complete WebSocket text frame in a
 * direct buffer, which every raw WebSocket member of a room writes as it is: one encoding per room
 * per node, no copy per socket. Release it when the fan-out is done.
 */
final class OutFrame {

  private final Buffer json;
  private ByteBuf wire;

  OutFrame(Buffer json) {
    this.json = json;
  }

  Buffer json() {
    return json;
  }

  /** The WebSocket frame (unmasked, final, text), shared: write a retained duplicate of it. */
  ByteBuf wire() {
    if (wire == null) {
      wire = encode(((BufferInternal) json).getByteBuf());
    }
    return wire;
  }

  void release() {
    if (wire != null) {
      wire.release();
      wire = null;
    }
  }

  // RFC 6455, 5.2: FIN + text opcode, then the payload length in 7, 7+16 or 7+64 bits.
  private static ByteBuf encode(ByteBuf payload) {
    int length = payload.readableBytes();
    int header = length < 126 ? 2 : length < 65536 ? 4 : 10;
    ByteBuf frame = PooledByteBufAllocator.DEFAULT.directBuffer(header + length);
    frame.writeByte(0x81);
    if (length < 126) {
      frame.writeByte(length);
    } else if (length < 65536) {
      frame.writeByte(126).writeShort(length);
    } else {
      frame.writeByte(127).writeLong(length);
    }
    return frame.writeBytes(payload, payload.readerIndex(), length);
  }
}
