package dev.skillbus.auth;

import dev.skillbus.protocol.Role;
import dev.skillbus.protocol.Timestamps;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.Serializable;
import java.util.Objects;
import java.util.Set;

/**
 * The access rule of a room created with {@code POST /socket/rooms}. An open room admits every
 * authenticated caller; a private one admits admins, the users it names and the roles it names.
 * Rooms nobody created this way are open.
 */
public record RoomAccess(String roomId, boolean restricted, Set<String> allowedUsers, Set<Role> allowedRoles,
                         long createdAt, String createdBy) implements Serializable {

  public RoomAccess {
    allowedUsers = Set.copyOf(allowedUsers);
    allowedRoles = Set.copyOf(allowedRoles);
  }

  /** Whether this caller may receive the room's events and join it. */
  public boolean allows(Identity caller) {
    return !restricted || caller.isAdmin() || allowedUsers.contains(caller.userId())
      || allowedRoles.contains(caller.role());
  }

  /** Whether {@code other} is this rule asked for again: the same room, access and creator (its time aside). */
  public boolean sameAs(RoomAccess other) {
    return roomId.equals(other.roomId) && restricted == other.restricted && allowedUsers.equals(other.allowedUsers)
      && allowedRoles.equals(other.allowedRoles) && Objects.equals(createdBy, other.createdBy);
  }

  /** {@code {roomId, private, allowedUsers, allowedRoles, createdAt, createdBy}}, lists sorted. */
  public JsonObject toJson() {
    return new JsonObject()
      .put("roomId", roomId)
      .put("private", restricted)
      .put("allowedUsers", new JsonArray(allowedUsers.stream().sorted().toList()))
      .put("allowedRoles", new JsonArray(allowedRoles.stream().map(Role::wire).sorted().toList()))
      .put("createdAt", Timestamps.iso(createdAt))
      .put("createdBy", createdBy);
  }
}
