package dev.skillbus.protocol;

import java.util.Locale;

/** The roles a caller may have; the wire value is the lower-case name ({@code team_leader}). */
public enum Role {
  LEARNER, INSTRUCTOR, TEAM_LEADER, AGENT, ADMIN;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role with this wire value, or {@code null}. */
  public static Role of(String wire) {
    if (wire == null) {
      return null;
    }
    for (Role role : values()) {
      if (role.wire().equals(wire)) {
        return role;
      }
    }
    return null;
  }
}
