package dev.skillbus.protocol;

import java.util.HashMap;
import java.util.Map;

/**
 * The addresses a browser may send to through the bridge, one by one (never a pattern).
 * {@code nodeLocal} requests are handled by the verticle of the node that holds the connection;
 * the others go to whichever node the event bus picks.
 */
public enum Inbound {
  // Coaching: stored notes, action items, session documents and notifications. No connection
  // state is involved, and every node runs a coaching verticle: the connection's own node serves
  // them, so that none is handed to a node that died before the cluster noticed (it would wait for
  // the request timeout, and a notification would be neither written nor queued).
  NOTES_CREATE("notes.create", true),
  NOTES_DELETE("notes.delete", true),
  ACTIONS_CREATE("actions.create", true),
  ACTIONS_UPDATE("actions.update", true),
  ACTIONS_DELETE("actions.delete", true),
  SESSION_UPDATE("session.update", true),
  NOTIFY_SEND("notify.send", true),

  // Sessions: they act on the node's connections.
  SESSION_JOIN("session.join", true),
  SESSION_LEAVE("session.leave", true),
  SESSION_CURSOR("session.cursor", true),
  SESSION_ACTIVITY("session.activity", true),
  SESSION_MESSAGE("session.message", true),
  SESSION_HISTORY("session.history", true),
  // Course generation and AI requests: any node may serve them.
  COURSE_GENERATE("course.generate", false),
  COURSE_CANCEL("course.cancel", false),
  COURSE_STATUS("course.status", false),
  AI_REQUEST("ai.request", false);

  private static final Map<String, Inbound> BY_ADDRESS = new HashMap<>();

  static {
    for (Inbound inbound : values()) {
      BY_ADDRESS.put(inbound.address, inbound);
    }
  }

  private final String address;
  private final boolean nodeLocal;

  Inbound(String address, boolean nodeLocal) {
    this.address = address;
    this.nodeLocal = nodeLocal;
  }

  public String address() {
    return address;
  }

  public boolean nodeLocal() {
    return nodeLocal;
  }

  /** The inbound address with this name, or {@code null} when a browser may not send there. */
  public static Inbound of(String address) {
    return address == null ? null : BY_ADDRESS.get(address);
  }
}
