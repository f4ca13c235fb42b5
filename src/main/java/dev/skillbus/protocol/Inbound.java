package dev.skillbus.protocol;

import java.util.HashMap;
import java.util.Map;

/**
 * The addresses a browser may send to through the bridge, one by one (never a pattern).
 * {@code nodeLocal} requests are handled by the verticle of the node that holds the connection,
 * because they act on that node's connections; the others go to whichever node the event bus picks.
 */
public enum Inbound {
  // Coaching: stored notes, action items, session documents and notifications. No connection
  // state is involved, so whichever node's coaching verticle the event bus picks serves them.
  NOTES_CREATE("notes.create", false),
  NOTES_DELETE("notes.delete", false),
  ACTIONS_CREATE("actions.create", false),
  ACTIONS_UPDATE("actions.update", false),
  ACTIONS_DELETE("actions.delete", false),
  SESSION_UPDATE("session.update", false),
  NOTIFY_SEND("notify.send", false),

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
