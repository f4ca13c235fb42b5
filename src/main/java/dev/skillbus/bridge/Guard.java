package dev.skillbus.bridge;

import dev.skillbus.auth.Identity;
import dev.skillbus.auth.RoomRules;
import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.Fields;
import dev.skillbus.protocol.Inbound;
import dev.skillbus.protocol.ProtocolException;

/**
 * Every permission rule of the bridge, in one place. Inbound: only the addresses of
 * {@link Inbound}. Outbound: {@code room.<id>} for a caller who may join that room (rooms are open
 * to authenticated callers unless created private with {@code POST /socket/rooms}: see
 * {@link RoomRules}), {@code user.<id>} for that user only.
 */
final class Guard {

  private final RoomRules rules;

  Guard(RoomRules rules) {
    this.rules = rules;
  }

  /** The inbound address a browser may send to, or a 403. */
  Inbound checkSend(String address) {
    Inbound inbound = Inbound.of(address);
    if (inbound == null) {
      throw forbidden("sending to '" + abbreviate(address) + "' is not permitted");
    }
    return inbound;
  }

  /** Nothing, or a 403 saying why this caller may not receive on this address (a 400 for a malformed room or user id). */
  void checkRegister(Identity caller, String address) {
    if (address.startsWith(Address.ROOM_PREFIX)) {
      String roomId = address.substring(Address.ROOM_PREFIX.length());
      if (!Fields.ROOM_ID.matcher(roomId).matches()) {
        throw ErrorCode.BAD_REQUEST.exception("'" + abbreviate(address) + "' is not a valid room address: a room id matches "
          + Fields.ROOM_ID.pattern());
      }
      rules.check(caller, roomId);
      return;
    }
    if (address.startsWith(Address.USER_PREFIX)) {
      String userId = address.substring(Address.USER_PREFIX.length());
      if (!Fields.USER_ID.matcher(userId).matches()) {
        throw ErrorCode.BAD_REQUEST.exception("'" + abbreviate(address) + "' is not a valid user address: a user id matches "
          + Fields.USER_ID.pattern());
      }
      if (!userId.equals(caller.userId())) {
        throw forbidden("only user " + abbreviate(userId) + " may receive on " + abbreviate(address));
      }
      return;
    }
    throw forbidden("receiving on '" + abbreviate(address) + "' is not permitted");
  }

  /** Nothing, or a 403 when a socket's token names another user than the one it started with. */
  void checkSameUser(Identity first, Identity now) {
    if (first != null && !first.userId().equals(now.userId())) {
      throw forbidden("this connection belongs to another user; open a new connection");
    }
  }

  private static ProtocolException forbidden(String message) {
    return ErrorCode.FORBIDDEN.exception(message);
  }

  private static String abbreviate(String s) {
    return s.length() <= 140 ? s : s.substring(0, 140) + "…";
  }
}
