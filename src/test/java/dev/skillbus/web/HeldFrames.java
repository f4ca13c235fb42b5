package dev.skillbus.web;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.WebSocketRoute;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * A page's SockJS connection to the node, routed through the test: from the page's first
 * {@code session.join} (or another request) on, the bridge messages the node sends it are held back
 * until {@link #release}, which lets the chosen ones through in their order and the join's reply
 * after them, as when other nodes' events overtake the reply (or never reach the page). Later
 * requests pass.
 */
final class HeldFrames {

  /** A routed socket the test closes: always with a code, as Playwright for Java fails on one closed without. */
  static final WebSocketRoute.CloseOptions CLOSED_BY_TEST = new WebSocketRoute.CloseOptions().setCode(4000).setReason("closed by the test");
  private static final Predicate<String> EVENTBUS = url -> url.contains("/eventbus/");

  private final Page page;
  private final String from;
  private final List<JsonObject> held = new CopyOnWriteArrayList<>();
  private final AtomicBoolean holding = new AtomicBoolean();
  private final AtomicBoolean released = new AtomicBoolean();
  private final List<WebSocketRoute> sockets = new CopyOnWriteArrayList<>();

  private HeldFrames(Page page, String from) {
    this.page = page;
    this.from = from;
  }

  /** Routes the page's connections, holding from its first join. */
  static HeldFrames route(Page page) {
    return route(page, "session.join");
  }

  /**
   * Routes the page's connections, holding from its first request to {@code address} (the page is
   * loaded again, as a route applies to documents loaded after it).
   */
  static HeldFrames route(Page page, String address) {
    HeldFrames frames = new HeldFrames(page, address);
    page.routeWebSocket(EVENTBUS, frames::connect);
    page.reload();
    return frames;
  }

  private void connect(WebSocketRoute ws) {
    sockets.add(ws);
    WebSocketRoute server = ws.connectToServer();
    ws.onMessage(frame -> {
      if (!released.get() && isRequestTo(frame.text())) {
        holding.set(true);
      }
      server.send(frame.text());
    });
    server.onMessage(frame -> {
      if (holding.get() && frame.text().startsWith("a")) {
        new JsonArray(frame.text().substring(1)).forEach(message -> held.add(new JsonObject((String) message)));
      } else {
        ws.send(frame.text());
      }
    });
  }

  /** Whether a SockJS frame of the page (a JSON array of bridge messages) sends to the address held from. */
  private boolean isRequestTo(String frame) {
    return frame.startsWith("[") && new JsonArray(frame).stream()
      .anyMatch(message -> from.equals(new JsonObject((String) message).getString("address")));
  }

  /** The bridge messages held so far, in the order the node sent them. */
  List<JsonObject> held() {
    return held;
  }

  /** The join's reply (on skillbus.js's reply address, with the room's participants), once held. */
  Optional<JsonObject> reply() {
    return held.stream().filter(HeldFrames::isJoinReply).findFirst();
  }

  /** The room events held so far (the envelopes: event, room, seq, epoch, data), in order. */
  List<JsonObject> events() {
    return held.stream().filter(HeldFrames::isRoomEvent).map(m -> m.getJsonObject("body")).toList();
  }

  /** Whether a held room event is this event with this value in its data. */
  boolean holdsEvent(String event, String field, String value) {
    return events().stream().anyMatch(e -> event.equals(e.getString("event"))
      && value.equals(e.getJsonObject("data", new JsonObject()).getValue(field)));
  }

  /** A message's room event if it is a durable one (with a seq). */
  static Optional<JsonObject> durableEvent(JsonObject message) {
    return Optional.of(message).filter(HeldFrames::isRoomEvent).map(m -> m.getJsonObject("body")).filter(e -> e.containsKey("seq"));
  }

  private static boolean isRoomEvent(JsonObject message) {
    return message.getString("address", "").startsWith("room.") && message.getValue("body") instanceof JsonObject;
  }

  /** Stops holding and lets through the held messages that {@code keep} accepts, then the join's reply. */
  void release(Predicate<JsonObject> keep) {
    released.set(true);
    holding.set(false);
    held.stream().filter(m -> !isJoinReply(m) && keep.test(m)).forEach(this::send);
    reply().ifPresent(this::send);
  }

  /** Closes the page's connection with a code, and every reconnect of it at once. */
  void close() {
    page.routeWebSocket(EVENTBUS, ws -> ws.close(CLOSED_BY_TEST));
    current().close(CLOSED_BY_TEST);
  }

  private WebSocketRoute current() {
    return sockets.get(sockets.size() - 1);
  }

  /** One bridge message to the page, as a SockJS frame of its own. */
  private void send(JsonObject message) {
    current().send("a" + new JsonArray().add(message.encode()).encode());
  }

  private static boolean isJoinReply(JsonObject message) {
    return message.getString("address", "").startsWith("skillbus.reply.")
      && message.getJsonObject("body", new JsonObject()).containsKey("participants");
  }
}
