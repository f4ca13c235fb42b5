package dev.skillbus.course;

import static dev.skillbus.course.CourseFields.ACCEPTED;
import static dev.skillbus.course.CourseFields.CONTENT;
import static dev.skillbus.course.CourseFields.ERROR;
import static dev.skillbus.course.CourseFields.MESSAGE;
import static dev.skillbus.course.CourseFields.REQUEST_ID;
import static dev.skillbus.course.CourseFields.SESSION_ID;
import static dev.skillbus.course.CourseFields.STATUS;
import static dev.skillbus.course.CourseFields.SUCCESS;
import static dev.skillbus.course.CourseFields.TOOL_ID;

import dev.skillbus.auth.Identity;
import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.Deadline;
import dev.skillbus.protocol.Envelope;
import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.Event;
import dev.skillbus.protocol.Fields;
import dev.skillbus.protocol.Outbound;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code ai.request {toolId, message, requestId, sessionId?}} (the seed's {@code ai_request}): the
 * reply accepts it at once; the tool then runs, its steps go to the caller's {@code user.<id>} as
 * {@code status_update} events and its answer as one {@code ai_response}. Tools are registered by
 * id; an unknown one is 404. A user runs a bounded number of requests at once on a node, and the
 * node a bounded number in all (429 above either); a request that has no answer within its time
 * limit fails, its tool is stopped and its place freed.
 */
final class AiRequests {

  static final int MAX_MESSAGE = 8000;

  private final Context context;
  private final EventBus eventBus;
  private final Map<String, AiTool> tools = new LinkedHashMap<>();
  private final Map<String, Integer> runningByUser = new HashMap<>();
  private final AiLimits limits;
  private final Consumer<String> published;
  private int running;

  /** How many requests a user and the node run at once, and how long one may take. */
  record AiLimits(int maxPerUser, int maxPerNode, long timeLimitSeconds) {
  }

  /** {@code published} is told the name of each event sent. */
  AiRequests(Context context, List<AiTool> tools, AiLimits limits, Consumer<String> published) {
    this.context = context;
    this.published = published;
    this.eventBus = context.owner().eventBus();
    tools.forEach(tool -> this.tools.put(tool.id(), tool));
    this.limits = limits;
  }

  Future<JsonObject> request(Message<JsonObject> message) {
    Identity caller = Identity.fromHeaders(message.headers());
    JsonObject body = message.body();
    String toolId = Fields.requiredId(body, TOOL_ID, Fields.ROOM_ID);
    String text = Fields.requiredString(body, MESSAGE, MAX_MESSAGE);
    String requestId = Fields.requiredId(body, REQUEST_ID, Fields.ROOM_ID);
    String sessionId = body.getValue(SESSION_ID) == null ? null : Fields.requiredId(body, SESSION_ID, Fields.ROOM_ID);
    AiTool tool = tools.get(toolId);
    if (tool == null) {
      throw ErrorCode.NOT_FOUND.exception("no AI tool '" + toolId + "'; the tools are " + String.join(", ", tools.keySet()));
    }
    tool.check(text);
    // A request whose caller was told 503 ("send it again") is not run: it would be answered twice.
    Deadline.of(message).check("run an AI request");
    admit(caller.userId());
    AiCall call = new AiCall(caller.userId(), new JsonObject().put(REQUEST_ID, requestId).put(TOOL_ID, toolId)
      .put(SESSION_ID, sessionId), sessionId);
    // After the reply: the caller hears it accepted before it hears how it goes.
    context.runOnContext(v -> run(tool, text, call));
    return Future.succeededFuture(new JsonObject().put(REQUEST_ID, requestId).put(ACCEPTED, true));
  }

  /** Takes a place for a request of {@code userId}, or a 429 when the user or the node runs its limit. */
  private void admit(String userId) {
    if (runningByUser.getOrDefault(userId, 0) >= limits.maxPerUser()) {
      throw ErrorCode.RATE_LIMITED.exception("you run " + limits.maxPerUser() + " AI requests already; wait for an answer");
    }
    if (running >= limits.maxPerNode()) {
      throw ErrorCode.RATE_LIMITED.exception("this node runs its limit of " + limits.maxPerNode()
        + " AI requests; try again shortly");
    }
    runningByUser.merge(userId, 1, Integer::sum);
    running++;
  }

  private void run(AiTool tool, String text, AiCall call) {
    status(call, "processing", "Running " + tool.id() + ": " + tool.description());
    Promise<String> answer = Promise.promise();
    List<Runnable> stopHooks = new ArrayList<>();
    long timer = context.owner().setTimer(limits.timeLimitSeconds() * 1000, id -> answer.tryFail(
      "the AI request took longer than its time limit of " + limits.timeLimitSeconds() + " s"));
    try {
      tool.run(text, line -> {
        if (!answer.future().isComplete()) {
          status(call, "processing", line);
        }
      }, hook -> {
        // A hook given after the request failed (a chat still connecting at its time limit) runs at once.
        if (answer.future().failed()) {
          hook.run();
        } else {
          stopHooks.add(hook);
        }
      }).onSuccess(answer::tryComplete).onFailure(answer::tryFail);
    } catch (RuntimeException e) {
      answer.tryFail(e);
    }
    answer.future().onComplete(ar -> {
      context.owner().cancelTimer(timer);
      if (ar.failed()) {
        stopHooks.forEach(Runnable::run);
      }
      finish(call, ar);
    });
  }

  /** Frees the request's place, then tells its caller how it ended. */
  private void finish(AiCall call, AsyncResult<String> ar) {
    running--;
    runningByUser.computeIfPresent(call.userId(), (user, n) -> n > 1 ? n - 1 : null);
    JsonObject response = call.ids().copy().put(SUCCESS, ar.succeeded());
    if (ar.succeeded()) {
      status(call, "completed", "Answer ready");
      send(call, Event.AI_RESPONSE, response.put(CONTENT, ar.result()));
    } else {
      status(call, "failed", CourseJob.messageOf(ar.cause()));
      send(call, Event.AI_RESPONSE, response.put(ERROR, CourseJob.messageOf(ar.cause())));
    }
  }

  /** One request's events, to its caller's address; {@code ids} are {@code requestId, toolId, sessionId}. */
  private record AiCall(String userId, JsonObject ids, String sessionId) {
  }

  private void status(AiCall call, String status, String text) {
    send(call, Event.STATUS_UPDATE, call.ids().copy().put(STATUS, status).put(MESSAGE, text));
  }

  private void send(AiCall call, String event, JsonObject data) {
    Outbound.publish(eventBus, Address.user(call.userId()), Envelope.of(event, call.sessionId(), data));
    published.accept(event);
  }
}
