package dev.skillbus.bridge;

import dev.skillbus.protocol.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Closes the connections a node should not keep: one that sent nothing, not even a ping, for
 * {@code pingTimeoutMs} (close code {@value #PING_TIMEOUT}), and one that has not presented a valid
 * token within {@code authTimeoutMs} of opening (close code {@value #NO_TOKEN}), so that pinging
 * alone never holds a socket without credentials. One periodic walk per node does both: at 10,000
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
    List<BridgeConnection> silent = new ArrayList<>();
    List<BridgeConnection> anonymous = new ArrayList<>();
    for (BridgeConnection connection : connections.values()) {
      if (connection.lastSeen() < silentBefore) {
        silent.add(connection);
      } else if (connection.identity() == null && connection.openedNanos() < anonymousBefore) {
        anonymous.add(connection);
      }
    }
    // Closing takes a connection out of the map: not while walking it.
    silent.forEach(c -> c.close(PING_TIMEOUT, "ping timeout"));
    anonymous.forEach(this::closeAnonymous);
  }

  /**
   * Says why in an {@code err} frame without an address before closing: SockJS transports report
   * every close by the server as 3000, so the close code reaches only raw WebSocket clients.
   */
  private void closeAnonymous(BridgeConnection connection) {
    connection.deliver(Frames.err(null, ErrorCode.UNAUTHENTICATED, "RECIPIENT_FAILURE",
      "no valid token presented within " + settings.authTimeoutMs() + " ms of opening", NO_TOKEN_REASON));
    connection.close(NO_TOKEN, "no token presented");
  }
}
