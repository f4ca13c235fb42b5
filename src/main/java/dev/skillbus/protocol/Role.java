package dev.skillbus.protocol;

import java.util.Locale;

/** The roles a caller may have; the wire value is the lower-case name ({@code team_leader}). */
public enum Role {
  LEARNER, INSTRUCTOR, TEAM_LEADER, AGENT, ADMIN;

  private static final Role[] VALUES = values();

  // One string per role: rooms hold a role per connection and participant.
  private final String wire = name().toLowerCase(Locale.ROOT);

  public String wire() {
    return wire;
  }

  /** The role's own wire string when {@code wire} names a role, else {@code wire} itself. */
  public static String shared(String wire) {
    Role role = of(wire);
    return role == null ? wire : role.wire;
  }

  /** The role with this wire value, or {@code null}. */
  public static Role of(String wire) {
    if (wire == null) {
      return null;
    }
    for (Role role : VALUES) {
      if (role.wire.equals(wire)) {
        return role;
      }
    }
    return null;
  }
}
