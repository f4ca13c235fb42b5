package dev.skillbus.auth;

import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.Header;
import dev.skillbus.protocol.Role;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

/**
 * Who a caller is, as verified by the bridge guard from the token and stamped into the
 * {@code x-user-*} headers. Verticles read it back with {@link #fromHeaders(MultiMap)}.
 */
public record Identity(String userId, String name, Role role) {

  /** The identity stamped by the guard; a 401 failure when a header is missing. */
  public static Identity fromHeaders(MultiMap headers) {
    String userId = headers.get(Header.USER_ID);
    Role role = Role.of(headers.get(Header.USER_ROLE));
    if (userId == null || role == null) {
      throw ErrorCode.UNAUTHENTICATED.exception("no verified identity on the request");
    }
    String name = headers.get(Header.USER_NAME);
    return new Identity(userId, name == null ? userId : name, role);
  }

  /** Stamps this identity (and the connection id, when there is one) into delivery options. */
  public DeliveryOptions stamp(DeliveryOptions options, String connId) {
    options.addHeader(Header.USER_ID, userId)
      .addHeader(Header.USER_NAME, name)
      .addHeader(Header.USER_ROLE, role.wire());
    if (connId != null) {
      options.addHeader(Header.CONN_ID, connId);
    }
    return options;
  }

  public boolean isAdmin() {
    return role == Role.ADMIN;
  }

  public JsonObject toJson() {
    return new JsonObject().put("userId", userId).put("name", name).put("role", role.wire());
  }
}
