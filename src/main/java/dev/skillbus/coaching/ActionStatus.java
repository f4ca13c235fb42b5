package dev.skillbus.coaching;

import dev.skillbus.protocol.ErrorCode;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The life of an action item: {@code open → in_progress → done}, and {@code cancelled} from
 * {@code open} or {@code in_progress}. {@code done} and {@code cancelled} are final. The wire value
 * is the lower-case name.
 */
enum ActionStatus {
  OPEN, IN_PROGRESS, DONE, CANCELLED;

  static final List<String> WIRE = Arrays.stream(values()).map(ActionStatus::wire).toList();

  String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The statuses an item in this one may move to. */
  Set<ActionStatus> next() {
    return switch (this) {
      case OPEN -> Set.of(IN_PROGRESS, CANCELLED);
      case IN_PROGRESS -> Set.of(DONE, CANCELLED);
      case DONE, CANCELLED -> Set.of();
    };
  }

  /** Nothing when the move is allowed (or changes nothing), a 409 naming the moves there are otherwise. */
  void requireMoveTo(ActionStatus to) {
    if (to != this && !next().contains(to)) {
      String allowed = next().isEmpty() ? "it is final"
        : "it may become " + String.join(" or ", next().stream().map(ActionStatus::wire).sorted().toList());
      throw ErrorCode.CONFLICT.exception("an action item that is " + wire() + " cannot become " + to.wire() + ": " + allowed);
    }
  }

  /** The status in {@code body.field}; a 400 naming the field when absent or unknown. */
  static ActionStatus of(JsonObject body, String field) {
    return valueOf(CoachingFields.oneOf(body, field, WIRE).toUpperCase(Locale.ROOT));
  }

  /** The status stored in an item. */
  static ActionStatus stored(String wire) {
    return valueOf(wire.toUpperCase(Locale.ROOT));
  }
}
