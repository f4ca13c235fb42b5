package dev.skillbus.bridge;

import io.vertx.core.transport.Transport;
import org.junit.jupiter.api.DisplayName;

/** The cases of {@link RawBridgeSocketTest} on Java NIO, where every frame goes through Netty's queue. */
@DisplayName("A raw bridge WebSocket on Java NIO")
class RawBridgeSocketNioTest extends RawBridgeSocketTest {

  @Override
  Transport transport() {
    return Transport.NIO;
  }
}
