package dev.skillbus.bridge;

import dev.skillbus.protocol.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Closes the connections a node should not keep: one that sent nothing, not even a ping, for
 * {@code pingTimeoutMs} (close code {@value #PING_TIMEOUT}), one that has not presented a valid
 * token within {@code authTimeoutMs} of opening, and one whose token expired with no newer one
 * presented since (both close code {@value #NO_TOKEN}), so that pinging alone never holds a socket
 * without valid credentials. One periodic walk per node does both: at 10,000
 * sockets a walk reads two fields each every few seconds, where a timer per socket would put
 * 10,000 entries (and a closure each) into the event loop's timers and cancel them again with
 * every wave of connections.
 */
final class ConnectionSweep {

  /** The close code of a connection silent for the ping timeout. */
  static final int PING_TIMEOUT = 4000;
  /** The close code of a connection that presented no valid token in time. */
  static final int NO_TOKEN = 4001;
  /** The {@code body} of the {@code err} frame that comes before that close. */
  static final String NO_TOKEN_REASON = "no_token";
  /** The {@code body} of the {@code err} frame that comes before closing a socket whose token expired. */
  static final String TOKEN_EXPIRED_REASON = "token_expired";

  private static final long MIN_PERIOD_MS = 250;
  private static final long MAX_PERIOD_MS = 5000;

  private final BridgeSettings settings;
  private final Map<String, BridgeConnection> connections;

  ConnectionSweep(BridgeSettings settings, Map<String, BridgeConnection> connections) {
    this.settings = settings;
    this.connections = connections;
  }

  /** How often to walk: a quarter of the shorter limit, between 250 ms and 5 s. */
  long periodMs() {
    long shortest = settings.authTimeoutMs() > 0
      ? Math.min(settings.pingTimeoutMs(), settings.authTimeoutMs())
      : settings.pingTimeoutMs();
    return Math.max(MIN_PERIOD_MS, Math.min(shortest / 4, MAX_PERIOD_MS));
  }

  /** Closes every connection past one of the limits. */
  void run() {
    long now = System.nanoTime();
    long silentBefore = now - settings.pingTimeoutMs() * 1_000_000L;
    long anonymousBefore = settings.authTimeoutMs() > 0 ? now - settings.authTimeoutMs() * 1_000_000L : Long.MIN_VALUE;
    long nowMillis = System.currentTimeMillis();
    List<BridgeConnection> silent = new ArrayList<>();
    List<BridgeConnection> anonymous = new ArrayList<>();
    List<BridgeConnection> expired = new ArrayList<>();
    for (BridgeConnection connection : connections.values()) {
      if (connection.lastSeen() < silentBefore) {
        silent.add(connection);
      } else if (connection.identity() == null) {
        if (connection.openedNanos() < anonymousBefore) {
          anonymous.add(connection);
        }
      } else if (connection.tokenExpired(nowMillis)) {
        expired.add(connection);
      }
    }
    // Closing takes a connection out of the map: not while walking it.
    silent.forEach(c -> c.close(PING_TIMEOUT, "ping timeout"));
    anonymous.forEach(c -> closeUnauthenticated(c, NO_TOKEN_REASON,
      "no valid token presented within " + settings.authTimeoutMs() + " ms of opening", "no token presented"));
    expired.forEach(c -> closeUnauthenticated(c, TOKEN_EXPIRED_REASON,
      "the token expired; connect again with a fresh one (or send a ping carrying it before it expires)", "token expired"));
  }

  /**
   * Says why in an {@code err} frame without an address before closing: SockJS transports report
   * every close by the server as 3000, so the close code reaches only raw WebSocket clients.
   */
  private static void closeUnauthenticated(BridgeConnection connection, String reason, String message, String logReason) {
    connection.deliver(Frames.err(null, ErrorCode.UNAUTHENTICATED, "RECIPIENT_FAILURE", message, reason));
    connection.close(NO_TOKEN, logReason);
  }
}
