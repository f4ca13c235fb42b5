package dev.skillbus.course;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * An OpenAI-compatible {@code /v1/chat/completions} endpoint for tests, streaming its answers as
 * server-sent events. What it does depends on a word in the last message: {@code broken} (the
 * connection closes mid-stream), {@code silent} (one piece, then nothing), {@code malformed} (JSON
 * that is no course), {@code prose} (no JSON at all), {@code unauthorized} (HTTP 401),
 * {@code lingering} (the whole answer, {@code finish_reason} and {@code [DONE]}, then the response
 * stays open), {@code pinging} (a {@code : ping} comment every {@link #TICK_MS} ms, never data),
 * {@code trickling} (a piece of the answer every {@link #TICK_MS} ms, never the end), {@code flooding}
 * (HTTP 500 with a body of 66 KB every {@link #TICK_MS} ms, never the end); a chat gets
 * {@link #CHAT_ANSWER}; anything else gets {@link #course(String)} in a fenced block.
 */
final class FakeOpenAi {

  static final String CHAT_ANSWER = "Plants turn light, water and carbon dioxide into sugar and oxygen.";

  static final long TICK_MS = 100;

  private final List<JsonObject> requests = new ArrayList<>();
  private Vertx vertx;
  private HttpServer server;

  /** The course the fake model writes for a topic. */
  static JsonObject course(String topic) {
    JsonObject question = new JsonObject().put("question", "What do plants make from light?")
      .put("options", new JsonArray().add("Sugar").add("Salt").add("Iron").add("Oil")).put("answer", 0);
    JsonObject lesson = new JsonObject().put("title", "Light and \"energy\" in C:\\leaves\tand caf\u00e9s")
      .put("outline", new JsonArray().add("Sunlight").add("Chlorophyll").add("Glucose"));
    JsonObject module = new JsonObject().put("title", "How " + topic + " works").put("summary", "The basics.")
      .put("objectives", new JsonArray().add("Describe " + topic)).put("lessons", new JsonArray().add(lesson))
      .put("quiz", new JsonObject().put("questions", new JsonArray().add(question)));
    return new JsonObject().put("title", "The model's course on " + topic).put("summary", "Written by a fake model.")
      .put("modules", new JsonArray().add(module).add(module.copy().put("title", topic + " in practice")));
  }

  Future<Integer> start(Vertx vertx) {
    this.vertx = vertx;
    server = vertx.createHttpServer().requestHandler(this::handle);
    return server.listen(0, "127.0.0.1").map(HttpServer::actualPort);
  }

  Future<Void> close() {
    return server.close();
  }

  synchronized List<JsonObject> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      JsonObject json = body.toJsonObject();
      synchronized (this) {
        requests.add(new JsonObject().put("path", request.path()).put("authorization", request.getHeader("authorization"))
          .put("body", json));
      }
      JsonArray messages = json.getJsonArray("messages");
      answer(request, messages.getJsonObject(messages.size() - 1).getString("content"), messages.getJsonObject(0)
        .getString("content").equals(ChatTool.SYSTEM_PROMPT));
    });
  }

  private void answer(HttpServerRequest request, String message, boolean chat) {
    HttpServerResponse response = request.response();
    if (message.contains("unauthorized")) {
      response.setStatusCode(401).putHeader("content-type", "application/json")
        .end(new JsonObject().put("error", new JsonObject().put("message", "Incorrect API key provided")).encode());
      return;
    }
    if (message.contains("flooding")) {
      response.setStatusCode(500).setChunked(true).putHeader("content-type", "text/plain");
      String page = "overloaded ".repeat(6000);
      every(request, () -> page);
      return;
    }
    response.setChunked(true).putHeader("content-type", "text/event-stream");
    String topic = message.substring(message.indexOf(':') + 1).strip();
    if (message.contains("broken")) {
      response.write(event(course(topic).encode().substring(0, 40)));
      response.write(event(course(topic).encode().substring(40, 80))).onComplete(v -> request.connection().close());
    } else if (message.contains("overloaded")) {
      response.write(event("{\"title\": "));
      response.end("data: " + new JsonObject().put("error", new JsonObject().put("message",
        "Overloaded, key sk-proj-SECRET12 on host ai-gw-7.internal")).encode() + "\n\n");
    } else if (message.contains("garbled")) {
      response.end("data: <html>upstream ai-gw-7.internal failed</html>\n\n");
    } else if (message.contains("silent")) {
      response.write(event("{\"title\": "));
    } else if (message.contains("malformed")) {
      stream(response, new JsonObject().put("title", "Only a title").encode());
    } else if (message.contains("lingering")) {
      pieces(response, "```json\n" + course(topic).encodePrettily() + "\n```");
      response.write(finish("stop"));
      response.write("data: [DONE]\n\n");
    } else if (message.contains("pinging")) {
      every(request, () -> ": ping\n\n");
    } else if (message.contains("trickling")) {
      every(request, () -> event("more "));
    } else if (message.contains("prose")) {
      stream(response, "Sure! Here is a lovely course about " + topic + ".");
    } else {
      stream(response, chat ? CHAT_ANSWER : "```json\n" + course(topic).encodePrettily() + "\n```");
    }
  }

  /** The answer in pieces of 25 characters, then {@code [DONE]}. */
  private static void stream(HttpServerResponse response, String answer) {
    pieces(response, answer);
    response.end("data: [DONE]\n\n");
  }

  private static void pieces(HttpServerResponse response, String answer) {
    response.write(": keep-alive comment\n\n");
    for (int i = 0; i < answer.length(); i += 25) {
      response.write(event(answer.substring(i, Math.min(answer.length(), i + 25))));
    }
  }

  /** Writes {@code text} every tick until the client goes away. */
  private void every(HttpServerRequest request, java.util.function.Supplier<String> text) {
    long timer = vertx.setPeriodic(TICK_MS, id -> request.response().write(text.get()));
    request.connection().closeHandler(v -> vertx.cancelTimer(timer));
  }

  private static String finish(String reason) {
    JsonObject chunk = new JsonObject().put("choices", new JsonArray()
      .add(new JsonObject().put("index", 0).put("delta", new JsonObject()).put("finish_reason", reason)));
    return "data: " + chunk.encode() + "\n\n";
  }

  private static String event(String piece) {
    JsonObject chunk = new JsonObject().put("choices", new JsonArray()
      .add(new JsonObject().put("index", 0).put("delta", new JsonObject().put("content", piece))));
    return "data: " + chunk.encode() + "\n\n";
  }
}
