package dev.skillbus.store;

import io.vertx.redis.client.Response;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a Redis error reply says about Redis itself. Most replies are the command's own failure (a
 * wrong type, a script's own error); these say that Redis cannot serve now, whatever the command:
 * a replica (READONLY; MASTERDOWN when it lost its primary), out of memory (OOM), a failed snapshot
 * that stops writes (MISCONF), too few replicas (NOREPLICAS), a dataset still loading (LOADING), a
 * script running too long (BUSY). Inside a script such an error comes wrapped: {@code ERR Error
 * running script …: -READONLY …} (Redis 6) or as the reply's first word (Redis 7).
 */
final class ErrorReplies {

  private static final Pattern UNAVAILABLE =
    Pattern.compile("(?:^|\\s-)(READONLY|MASTERDOWN|OOM|MISCONF|NOREPLICAS|LOADING|BUSY)\\b");

  private ErrorReplies() {
  }

  /** The code of an error reply that says Redis cannot serve now, or null. */
  static String unavailable(Throwable err) {
    if (!(err instanceof Response) || err.getMessage() == null) {
      return null;
    }
    Matcher matcher = UNAVAILABLE.matcher(err.getMessage());
    return matcher.find() ? matcher.group(1) : null;
  }

  /** Whether the reply came from a replica: the connection leads to a server that is no primary. */
  static boolean fromReplica(Throwable err) {
    String code = unavailable(err);
    return "READONLY".equals(code) || "MASTERDOWN".equals(code);
  }

  /** Whether it is the command's own failure, which the caller sees as it is. */
  static boolean commandFailure(Throwable err) {
    return err instanceof Response && unavailable(err) == null
      && !String.valueOf(err.getMessage()).startsWith("CONNECTION_CLOSED");
  }
}
