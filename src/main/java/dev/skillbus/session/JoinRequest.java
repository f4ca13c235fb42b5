package dev.skillbus.session;

import static dev.skillbus.session.SessionFields.EPOCH;
import static dev.skillbus.session.SessionFields.NAME;
import static dev.skillbus.session.SessionFields.ROLE;
import static dev.skillbus.session.SessionFields.SESSION_ID;
import static dev.skillbus.session.SessionFields.SINCE;

import dev.skillbus.auth.Identity;
import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.Fields;
import dev.skillbus.protocol.Role;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A validated {@code session.join} body. {@code since} is null when the client did not ask for
 * what it missed.
 */
record JoinRequest(String roomId, String name, Role role, Long since, String epoch) {

  static final int MAX_NAME = 100;
  static final int MAX_EPOCH = 100;
  private static final int MAX_ROLE = 32;

  static JoinRequest parse(JsonObject body, Identity identity) {
    String roomId = Fields.requiredId(body, SESSION_ID, Fields.ROOM_ID);
    String name = Fields.optionalString(body, NAME, MAX_NAME);
    Long since = body.getValue(SINCE) == null ? null : Fields.optionalLong(body, SINCE, 0);
    String epoch = epoch(body);
    // Last: a malformed body is a 400 even when it also asks for a role it may not have.
    Role role = role(body, identity);
    return new JoinRequest(roomId, name == null || Fields.isBlank(name) ? identity.name() : name, role, since, epoch);
  }

  /**
   * The optional {@code epoch} a client names with {@code since}: one a reply gave it, never blank
   * (a blank one would mean "any epoch" to one store and "another epoch" to the other).
   */
  static String epoch(JsonObject body) {
    String epoch = Fields.optionalString(body, EPOCH, MAX_EPOCH);
    if (epoch != null && epoch.isBlank()) {
      throw Fields.bad("'" + EPOCH + "' must be the epoch a reply gave, or left out");
    }
    return epoch;
  }

  /** The role to show in the room: the token's, or another one only for an admin. */
  private static Role role(JsonObject body, Identity identity) {
    String wire = Fields.optionalString(body, ROLE, MAX_ROLE);
    if (wire == null) {
      return identity.role();
    }
    Role role = Role.of(wire);
    if (role == null) {
      throw Fields.bad("'" + ROLE + "' must be one of "
        + Arrays.stream(Role.values()).map(Role::wire).collect(Collectors.joining(", ")));
    }
    if (role != identity.role() && !identity.isAdmin()) {
      throw ErrorCode.FORBIDDEN.exception("'" + ROLE + "' must be your own role");
    }
    return role;
  }
}
