package dev.skillbus.coaching;

import dev.skillbus.auth.Identity;
import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.Role;
import java.util.Set;

/**
 * Who may do what in coaching, in one place (the README states the same rules). Each check is
 * silent when allowed and throws a 403 that says why when not.
 */
final class Rules {

  /** Roles that create, read and update anyone's notes and action items. */
  static final Set<Role> ITEM_MANAGERS = Set.of(Role.TEAM_LEADER, Role.ADMIN);
  /** Roles that notify anyone; everyone else notifies only themselves. */
  static final Set<Role> NOTIFIERS = Set.of(Role.TEAM_LEADER, Role.INSTRUCTOR, Role.ADMIN);
  /** Roles that write session documents; everyone else reads them. */
  static final Set<Role> SESSION_EDITORS = Set.of(Role.TEAM_LEADER, Role.INSTRUCTOR, Role.ADMIN);

  private Rules() {
  }

  /** A team leader or admin acts on anyone's items; anyone else (an agent) only on their own. */
  static void requireItemsOf(Identity caller, String agentId) {
    if (!ITEM_MANAGERS.contains(caller.role()) && !caller.userId().equals(agentId)) {
      throw ErrorCode.FORBIDDEN.exception(asA(caller)
        + " may only see and change their own notes and action items");
    }
  }

  static void requireMayNotify(Identity caller, String userId) {
    if (!NOTIFIERS.contains(caller.role()) && !caller.userId().equals(userId)) {
      throw ErrorCode.FORBIDDEN.exception(asA(caller) + " may only notify themselves");
    }
  }

  static void requireSessionEditor(Identity caller) {
    if (!SESSION_EDITORS.contains(caller.role())) {
      throw ErrorCode.FORBIDDEN.exception(asA(caller) + " may not update session documents");
    }
  }

  /** "a learner", "an agent": the caller's role, for a message. */
  private static String asA(Identity caller) {
    String role = caller.role().wire();
    return ("aeiou".indexOf(role.charAt(0)) >= 0 ? "an " : "a ") + role;
  }
}
