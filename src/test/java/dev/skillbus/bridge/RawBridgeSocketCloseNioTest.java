package dev.skillbus.bridge;

import io.vertx.core.transport.Transport;
import org.junit.jupiter.api.DisplayName;

/** The cases of {@link RawBridgeSocketCloseTest} on Java NIO, where every frame goes through Netty's queue. */
@DisplayName("A raw bridge WebSocket on Java NIO: closing")
class RawBridgeSocketCloseNioTest extends RawBridgeSocketCloseTest {

  @Override
  Transport transport() {
    return Transport.NIO;
  }
}
