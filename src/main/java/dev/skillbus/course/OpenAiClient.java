package dev.skillbus.course;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streamed chat completions from any OpenAI-compatible endpoint ({@code POST
 * <baseUrl>/chat/completions} with {@code stream: true}): reads the server-sent events, hands each
 * piece of the answer to the caller as it comes, and completes with the whole answer at
 * {@code data: [DONE]} (resetting the response if the endpoint keeps it open), or when the response
 * ends after a {@code finish_reason}. An error status, a stream that breaks off, a stall longer than
 * the timeout or an answer over the size limit fails the call with a message that says which.
 */
final class OpenAiClient {

  private static final Logger LOG = LoggerFactory.getLogger(OpenAiClient.class);

  private static final int MAX_LINE_BYTES = 1024 * 1024;
  private static final int MAX_ERROR_CHARS = 300;
  /** The most of an error status's body read, and how long it is waited for (at most half the timeout). */
  private static final int MAX_ERROR_BODY_BYTES = 8192;
  private static final long ERROR_BODY_WAIT_MS = 1000;

  private final Vertx vertx;
  private final HttpClient http;
  private final OpenAiSettings settings;

  OpenAiClient(Vertx vertx, HttpClient http, OpenAiSettings settings) {
    this.vertx = vertx;
    this.http = http;
    this.settings = settings;
  }

  OpenAiSettings settings() {
    return settings;
  }

  /**
   * Sends {@code messages}; {@code onDelta} gets each piece of the answer. {@code onStop} receives a
   * hook that aborts the call (the request is reset), for a caller that stops early.
   */
  Future<String> chat(JsonArray messages, Consumer<String> onDelta, Consumer<Runnable> onStop) {
    RequestOptions options;
    try {
      options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(settings.completionsUrl());
    } catch (RuntimeException e) {
      // The node checked the URL when it started: what is wrong with it now goes to the log only.
      LOG.warn("The AI endpoint's URL could not be used: {}", e.getMessage());
      return Future.failedFuture("the AI endpoint's URL could not be used (see the node's log)");
    }
    options.setConnectTimeout(settings.timeoutMs())
      .putHeader("content-type", "application/json").putHeader("accept", "text/event-stream");
    if (settings.apiKey() != null) {
      options.putHeader("authorization", "Bearer " + settings.apiKey());
    }
    Buffer body = new JsonObject().put("model", settings.model()).put("messages", messages).put("stream", true).toBuffer();
    SseAnswer answer = new SseAnswer(onDelta, settings.maxAnswerChars());
    answer.watch(vertx, settings.timeoutMs());
    http.request(options)
      .compose(request -> {
        // The caller's stop ends the answer before the reset, so that the reset it causes is no failure.
        onStop.accept(() -> {
          answer.promise.tryFail("stopped");
          request.reset();
        });
        // Ended before the endpoint closed the response (a failure, or [DONE] on a response kept
        // open): reset it, so that the connection is not held.
        answer.promise.future().onComplete(ar -> {
          if (!answer.ended) {
            request.reset();
          }
        });
        return request.send(body);
      })
      .onSuccess(response -> read(response, answer))
      .onFailure(err -> {
        // The node's own reset of an answer that ended ([DONE], a timeout, a limit, a stop) is no failure.
        if (!answer.promise.future().isComplete()) {
          answer.promise.tryFail(describe(err));
        }
      });
    return answer.promise.future();
  }

  private void read(HttpClientResponse response, SseAnswer answer) {
    if (response.statusCode() != 200) {
      readError(response, answer);
      return;
    }
    RecordParser lines = RecordParser.newDelimited("\n", response).maxRecordSize(MAX_LINE_BYTES);
    lines.handler(answer::line);
    lines.exceptionHandler(err -> {
      if (!answer.promise.future().isComplete()) {
        answer.promise.tryFail("the stream broke off before the answer was complete (" + describe(err) + ")");
      }
    });
    lines.endHandler(v -> answer.end());
  }

  /**
   * Fails the call with the endpoint's error status, once the start of the body (what the endpoint
   * said, for this node's log only: the failure reaches whoever watches the course's room, and the
   * endpoint's words may hold part of the key or the names of its hosts) has come, or the body
   * ended, or {@link #ERROR_BODY_WAIT_MS} passed. The rest of the body is not read: the failure
   * resets the request. An error body is never gathered whole (an endpoint may send gigabytes).
   */
  private void readError(HttpClientResponse response, SseAnswer answer) {
    int status = response.statusCode();
    Buffer start = Buffer.buffer();
    Promise<Void> read = Promise.promise();
    // The status line is data from the endpoint: the wait for the body stays within the timeout.
    answer.rearm.run();
    long timer = vertx.setTimer(Math.max(1, Math.min(ERROR_BODY_WAIT_MS, settings.timeoutMs() / 2)), id -> read.tryComplete());
    response.handler(chunk -> {
      start.appendBuffer(chunk, 0, Math.min(chunk.length(), MAX_ERROR_BODY_BYTES - start.length()));
      if (start.length() == MAX_ERROR_BODY_BYTES) {
        read.tryComplete();
      }
    });
    response.exceptionHandler(err -> read.tryComplete());
    response.endHandler(v -> read.tryComplete());
    read.future().onComplete(v -> {
      vertx.cancelTimer(timer);
      LOG.warn("The AI endpoint answered HTTP {}: {}", status, start.length() == 0 ? "(no body)" : errorText(start));
      answer.promise.tryFail("the endpoint answered HTTP " + status);
    });
  }

  /** What the endpoint said was wrong: its {@code error.message}, or the start of its body. */
  private static String errorText(Buffer body) {
    try {
      JsonObject error = new JsonObject(body).getJsonObject("error");
      if (error != null && error.getString("message") != null) {
        return abbreviate(error.getString("message"));
      }
    } catch (RuntimeException e) {
      // not JSON: show the text
    }
    return abbreviate(body.toString());
  }

  private String describe(Throwable err) {
    if (err instanceof TimeoutException) {
      return "no data from the endpoint for " + settings.timeoutMs() + " ms";
    }
    LOG.warn("Connection to the AI endpoint failed: {}", abbreviate(String.valueOf(err.getMessage())));
    return "connection to the endpoint failed";
  }

  static String abbreviate(String s) {
    String one = s.replaceAll("\\s+", " ").strip();
    return one.length() <= MAX_ERROR_CHARS ? one : one.substring(0, MAX_ERROR_CHARS) + "…";
  }

  /**
   * One streamed answer: the {@code data:} lines of the event stream, gathered. A watchdog fails it
   * when no data arrives for the timeout, before the first byte or in the middle of the stream;
   * comments ({@code : ping}) keep a connection open but do not count as data.
   */
  private static final class SseAnswer {

    final Promise<String> promise = Promise.promise();
    private final Consumer<String> onDelta;
    private final int maxChars;
    private final StringBuilder text = new StringBuilder();
    private boolean done;
    private boolean ended;
    private Runnable rearm = () -> { };

    SseAnswer(Consumer<String> onDelta, int maxChars) {
      this.onDelta = onDelta;
      this.maxChars = maxChars;
    }

    void watch(Vertx vertx, long timeoutMs) {
      long[] timer = {-1};
      rearm = () -> {
        vertx.cancelTimer(timer[0]);
        timer[0] = vertx.setTimer(timeoutMs, id -> promise.tryFail("no data from the endpoint for " + timeoutMs + " ms"));
      };
      rearm.run();
      promise.future().onComplete(ar -> vertx.cancelTimer(timer[0]));
    }

    void line(Buffer raw) {
      String line = raw.toString().strip();
      if (promise.future().isComplete() || !line.startsWith("data:")) {
        return; // blank separators, comments, event/id/retry fields: no sign of an answer coming
      }
      rearm.run();
      String payload = line.substring(5).strip();
      if (payload.equals("[DONE]")) {
        done = true;
        promise.tryComplete(text.toString());
        return;
      }
      if (done) {
        return; // after a finish_reason: usage and the like
      }
      JsonObject chunk;
      try {
        chunk = new JsonObject(payload);
      } catch (RuntimeException e) {
        LOG.warn("The AI endpoint's stream sent an event that is not JSON: {}", abbreviate(payload));
        promise.tryFail("the stream sent an event that is not JSON");
        return;
      }
      chunk(chunk);
    }

    private void chunk(JsonObject chunk) {
      if (chunk.getValue("error") != null) {
        JsonObject error = chunk.getValue("error") instanceof JsonObject e ? e : new JsonObject();
        // Its words go to this node's log only, as those of an error status (see read).
        LOG.warn("The AI endpoint reported an error in its stream: {}", abbreviate(error.getString("message", chunk.encode())));
        promise.tryFail("the endpoint reported an error in its stream");
        return;
      }
      JsonArray choices = chunk.getJsonArray("choices", new JsonArray());
      JsonObject choice = choices.isEmpty() || !(choices.getValue(0) instanceof JsonObject c) ? new JsonObject() : c;
      Object content = choice.getJsonObject("delta", new JsonObject()).getValue("content");
      if (content instanceof String piece && !piece.isEmpty()) {
        text.append(piece);
        if (text.length() > maxChars) {
          promise.tryFail("the answer is longer than " + maxChars + " characters");
          return;
        }
        onDelta.accept(piece);
      }
      if (choice.getValue("finish_reason") != null) {
        done = true;
      }
    }

    void end() {
      ended = true;
      if (done) {
        promise.tryComplete(text.toString());
      } else {
        promise.tryFail("the stream ended before the answer was complete");
      }
    }
  }
}
