package dev.skillbus.bridge;

import io.vertx.core.transport.Transport;
import org.junit.jupiter.api.DisplayName;

/** The cases of {@link RawBridgeSocketMessagesTest} on Java NIO, where every frame goes through Netty's queue. */
@DisplayName("A raw bridge WebSocket on Java NIO: messages, pauses and a client that falls behind")
class RawBridgeSocketMessagesNioTest extends RawBridgeSocketMessagesTest {

  @Override
  Transport transport() {
    return Transport.NIO;
  }
}
