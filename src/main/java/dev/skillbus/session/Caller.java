package dev.skillbus.session;

import dev.skillbus.auth.Identity;
import dev.skillbus.protocol.Fields;
import dev.skillbus.protocol.Header;
import io.vertx.core.eventbus.Message;

/** Who sent a request and over which bridge connection, from the headers the bridge guard stamped. */
record Caller(Identity identity, String connId) {

  static Caller of(Message<?> message) {
    Identity identity = Identity.fromHeaders(message.headers());
    String connId = message.headers().get(Header.CONN_ID);
    if (connId == null || connId.isBlank()) {
      throw Fields.bad("'" + Header.CONN_ID + "' header is required");
    }
    return new Caller(identity, connId);
  }

  String userId() {
    return identity.userId();
  }
}
