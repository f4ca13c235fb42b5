package dev.skillbus.course;

import static dev.skillbus.testing.Servers.await;

import dev.skillbus.Skillbus;
import dev.skillbus.testing.BridgeClient;
import dev.skillbus.testing.Clients;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A browser of the course flow, for tests: REST calls with a dev token, and the course events of
 * each session's room gathered the way the README tells clients to (drop a durable event whose seq is not
 * greater than the last one processed).
 */
final class CourseClient {

  static final String UPDATE = "course_generation_update";
  static final String COMPLETE = "course_generation_complete";

  final Skillbus node;
  final String userId;
  final String token;
  final BridgeClient bridge;
  private final Map<String, List<JsonObject>> seen = new HashMap<>();
  private final Map<String, Long> lastSeq = new HashMap<>();

  private CourseClient(Skillbus node, String userId, String token, BridgeClient bridge) {
    this.node = node;
    this.userId = userId;
    this.token = token;
    this.bridge = bridge;
  }

  /** A user with a token and an open bridge connection to {@code node}. */
  /** How many events of this name the node counted as published ({@code skillbus_events_total}). */
  static long eventsCounted(Skillbus node, String event) {
    Matcher count = Pattern.compile("(?m)^skillbus_events_total\\{[^}]*event=\"" + Pattern.quote(event) + "\"[^}]*} ([0-9.]+)$")
      .matcher(node.node().metrics().scrape());
    return count.find() ? (long) Double.parseDouble(count.group(1)) : 0;
  }

  static CourseClient connect(Skillbus node, String userId, String role) throws Exception {
    String token = await(BridgeClient.token(node.node().vertx(), node.port(), userId, "User " + userId, role));
    return new CourseClient(node, userId, token, await(BridgeClient.connect(node.node().vertx(), node.port(), token)));
  }

  /** An HTTP answer: status and JSON body. */
  record Rest(int status, JsonObject body) {
  }

  Rest rest(HttpMethod method, String uri, JsonObject body) throws Exception {
    return rest(node, method, uri, token, body);
  }

  static Rest rest(Skillbus node, HttpMethod method, String uri, String token, JsonObject body) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(node.port()).setURI(uri);
    return await(Clients.http(node.node().vertx(), http -> http.request(options).compose(req -> {
      if (token != null) {
        req.putHeader("authorization", "Bearer " + token);
      }
      req.putHeader("content-type", "application/json");
      return body == null ? req.send() : req.send(body.toBuffer());
    }).compose(resp -> resp.body().map(b -> new Rest(resp.statusCode(), b.length() == 0 ? null : b.toJsonObject())))));
  }

  /** Starts a job over the bridge; its session id. */
  String generate(String topic, String level) throws Exception {
    JsonObject body = new JsonObject().put("topic", topic);
    if (level != null) {
      body.put("level", level);
    }
    return await(bridge.call("course.generate", body)).getString("sessionId");
  }

  /** {@code course.status} over the bridge. */
  JsonObject status(String sessionId) throws Exception {
    return await(bridge.call("course.status", new JsonObject().put("sessionId", sessionId)));
  }

  /** Registers on the session's room and joins it with {@code since} (null: none); the join reply. */
  JsonObject join(String sessionId, Long since, String epoch) throws Exception {
    bridge.register("room." + sessionId);
    JsonObject body = new JsonObject().put("sessionId", sessionId);
    if (since != null) {
      body.put("since", since).put("epoch", epoch);
    }
    JsonObject reply = await(bridge.call("session.join", body));
    reply.getJsonArray("missed", new io.vertx.core.json.JsonArray()).forEach(e -> process(sessionId, (JsonObject) e));
    return reply;
  }

  /** Processes live course events until the complete event; every course event seen, each once, in order. */
  List<JsonObject> untilComplete(String sessionId) throws Exception {
    List<JsonObject> events = seen.computeIfAbsent(sessionId, id -> new ArrayList<>());
    while (events.isEmpty() || !COMPLETE.equals(events.get(events.size() - 1).getString("event"))) {
      process(sessionId, await(nextCourseEvent(sessionId)));
    }
    return List.copyOf(events);
  }

  /** Processes live course events until one matches; that event. */
  JsonObject until(String sessionId, java.util.function.Predicate<JsonObject> match) throws Exception {
    for (JsonObject e : seen(sessionId)) {
      if (match.test(e)) {
        return e;
      }
    }
    while (true) {
      JsonObject event = await(nextCourseEvent(sessionId));
      if (process(sessionId, event) && match.test(event)) {
        return event;
      }
    }
  }

  /** The course events of the session processed so far. */
  List<JsonObject> seen(String sessionId) {
    return List.copyOf(seen.getOrDefault(sessionId, List.of()));
  }

  long lastSeq(String sessionId) {
    return lastSeq.getOrDefault(sessionId, 0L);
  }

  private Future<JsonObject> nextCourseEvent(String sessionId) {
    String address = "room." + sessionId;
    return bridge.next(f -> "rec".equals(f.getString("type")) && address.equals(f.getString("address"))
        && f.getValue("body") instanceof JsonObject b && b.getLong("seq") != null)
      .map(f -> f.getJsonObject("body"));
  }

  /** The README's rule: a durable event is processed once, in seq order. */
  private boolean process(String sessionId, JsonObject envelope) {
    long seq = envelope.getLong("seq");
    if (seq <= lastSeq(sessionId)) {
      return false;
    }
    lastSeq.put(sessionId, seq);
    String event = envelope.getString("event");
    if (UPDATE.equals(event) || COMPLETE.equals(event)) {
      seen.computeIfAbsent(sessionId, id -> new ArrayList<>()).add(envelope);
    }
    return true;
  }

  /** The next {@code session_status} this connection receives for the session. */
  JsonObject sessionStatus(String sessionId) throws Exception {
    return await(bridge.event("room." + sessionId, "session_status")).getJsonObject("data");
  }

  void close() {
    bridge.close();
  }
}
