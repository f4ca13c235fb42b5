package dev.skillbus.course;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;

/** The tool {@code chat}: the message goes to the OpenAI-compatible model, its answer comes back. */
final class ChatTool implements AiTool {

  static final String ID = "chat";
  static final String SYSTEM_PROMPT = "You are a helpful assistant for learners and coaches. Answer clearly and briefly.";

  private final OpenAiClient client;

  ChatTool(OpenAiClient client) {
    this.client = client;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String description() {
    return "an answer from the OpenAI-compatible model";
  }

  @Override
  public Future<String> run(String message, Consumer<String> status, Consumer<Runnable> onStop) {
    status.accept("Asking " + client.settings().model());
    JsonArray messages = new JsonArray()
      .add(new JsonObject().put("role", "system").put("content", SYSTEM_PROMPT))
      .add(new JsonObject().put("role", "user").put("content", message));
    boolean[] answering = {false};
    return client.chat(messages, piece -> {
      if (!answering[0]) {
        answering[0] = true;
        status.accept("The model is answering");
      }
    }, onStop);
  }
}
