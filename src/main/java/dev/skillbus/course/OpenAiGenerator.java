package dev.skillbus.course;

import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Asks an OpenAI-compatible model for the course as one JSON object, streamed. While it streams,
 * each title the model finishes writing (the course's, a module's, a lesson's) becomes a log line;
 * four progress steps mark asking, writing, answer received and answer checked. The answer is
 * parsed and checked by {@link CourseShape}; an answer that is not a course fails the job with
 * what is wrong with it.
 */
final class OpenAiGenerator implements CourseGenerator {

  static final String NAME = "openai";
  private static final int STEPS = 4;
  private static final Pattern TITLE = Pattern.compile("\"title\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.){1,300})\"");
  private static final Pattern FENCE = Pattern.compile("(?s)^```[a-zA-Z]*\\s*(.*?)\\s*```$");

  static final String SYSTEM_PROMPT = """
    You write online courses. Answer with one JSON object only, no prose and no code fences, of this shape:
    {"title": string, "summary": string, "modules": [{"title": string, "summary": string,
    "objectives": [string], "lessons": [{"title": string, "outline": [string]}],
    "quiz": {"questions": [{"question": string, "options": [string], "answer": index of the right option}]}}]}.
    Write 3 to 6 modules, 2 to 5 lessons per module with 3 to 6 outline points each, and 2 to 4 quiz
    questions per module with 4 options each.""";

  private final OpenAiClient client;

  OpenAiGenerator(OpenAiClient client) {
    this.client = client;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Future<JsonObject> generate(Generation generation) {
    CourseRequest request = generation.request();
    if (request.webSearch()) {
      generation.log("Web search is not available through a chat-completions endpoint: the model answers from what it knows");
    }
    generation.progress(1, STEPS, "Asked " + client.settings().model() + " for a " + request.level().wire()
      + " course on \"" + request.topic() + "\"");
    TitleWatcher titles = new TitleWatcher(generation);
    return client.chat(messages(request), titles::append, generation::onStop)
      .compose(answer -> {
        generation.progress(3, STEPS, "Answer received: " + answer.length() + " characters");
        JsonObject course = parse(answer);
        generation.progress(STEPS, STEPS, "Course checked: " + course.getJsonArray("modules").size() + " modules");
        return Future.succeededFuture(course);
      });
  }

  static JsonArray messages(CourseRequest request) {
    return new JsonArray()
      .add(new JsonObject().put("role", "system").put("content", SYSTEM_PROMPT))
      .add(new JsonObject().put("role", "user").put("content",
        "Write a " + request.level().wire() + " course on: " + request.topic()));
  }

  /** The answer as a checked course; a failure saying what is wrong with it otherwise. */
  static JsonObject parse(String answer) {
    String text = answer.strip();
    Matcher fenced = FENCE.matcher(text);
    if (fenced.matches()) {
      text = fenced.group(1);
    }
    JsonObject raw;
    try {
      raw = new JsonObject(text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the model's answer is not a JSON object: "
        + OpenAiClient.abbreviate(text.isEmpty() ? "(empty)" : text));
    }
    try {
      return CourseShape.check(raw);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the model's answer is not a valid course: " + e.getMessage());
    }
  }

  /** A JSON string's text as written between its quotes, its escapes read; as written when they are not valid. */
  static String unescaped(String written) {
    try {
      return (String) Json.decodeValue("\"" + written + "\"");
    } catch (DecodeException e) {
      return written;
    }
  }

  /** Logs each title the model finishes writing; the first piece of the answer is step 2. */
  private static final class TitleWatcher {

    private final Generation generation;
    private final StringBuilder text = new StringBuilder();
    private int scanFrom;

    TitleWatcher(Generation generation) {
      this.generation = generation;
    }

    void append(String piece) {
      if (text.length() == 0) {
        generation.progress(2, STEPS, "The model is writing the course");
      }
      text.append(piece);
      Matcher title = TITLE.matcher(text);
      while (title.find(scanFrom)) {
        generation.log("Writing: " + unescaped(title.group(1)));
        scanFrom = title.end();
      }
    }
  }
}
