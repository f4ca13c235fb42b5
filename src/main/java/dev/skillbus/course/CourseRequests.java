package dev.skillbus.course;

import static dev.skillbus.course.CourseFields.CONN_ID;
import static dev.skillbus.course.CourseFields.COURSE_ID;
import static dev.skillbus.course.CourseFields.ENDED;
import static dev.skillbus.course.CourseFields.GENERATOR;
import static dev.skillbus.course.CourseFields.LEVEL;
import static dev.skillbus.course.CourseFields.MESSAGE;
import static dev.skillbus.course.CourseFields.NODE;
import static dev.skillbus.course.CourseFields.OWNER;
import static dev.skillbus.course.CourseFields.OWNER_NAME;
import static dev.skillbus.course.CourseFields.PERCENT;
import static dev.skillbus.course.CourseFields.REASON;
import static dev.skillbus.course.CourseFields.ROOM_ID;
import static dev.skillbus.course.CourseFields.SESSION_ID;
import static dev.skillbus.course.CourseFields.STARTED_AT;
import static dev.skillbus.course.CourseFields.STATUS;
import static dev.skillbus.course.CourseFields.SUCCESS;
import static dev.skillbus.course.CourseFields.TOPIC;
import static dev.skillbus.course.CourseFields.WEB_SEARCH;

import dev.skillbus.auth.Identity;
import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.Deadline;
import dev.skillbus.protocol.Envelope;
import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.Event;
import dev.skillbus.protocol.Fields;
import dev.skillbus.protocol.Outbound;
import dev.skillbus.protocol.Timestamps;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * The doors of the course requests: {@code course.generate}, {@code course.status},
 * {@code course.cancel} and the REST-only course lookup. Each validates its body (400), then the
 * caller's right (403), then that the session exists (404). Cancelling asks the node that runs the
 * job to stop it; only when that node is gone is the job ended here.
 */
final class CourseRequests {

  private static final long NODE_REQUEST_TIMEOUT_MS = 5000;
  private static final String START = "start a generation job";
  /** How long after its admission a job may still be without a stored status (see {@link #admittedLongAgo}). */
  static final long STATUS_GRACE_MS = 60_000;

  private final EventBus eventBus;
  private final CourseSettings settings;
  private final String nodeId;
  private final CourseStore store;
  private final JobRegistry registry;
  private final LocalJobs jobs;

  private final Consumer<String> statusCounter;
  private final Consumer<String> published;

  /** {@code published} is told the name of each event sent. */
  CourseRequests(EventBus eventBus, CourseSettings settings, String nodeId, CourseStore store, JobRegistry registry,
                 LocalJobs jobs, Consumer<String> statusCounter, Consumer<String> published) {
    this.statusCounter = statusCounter;
    this.published = published;
    this.eventBus = eventBus;
    this.settings = settings;
    this.nodeId = nodeId;
    this.store = store;
    this.registry = registry;
    this.jobs = jobs;
  }

  /**
   * Starts a job on this node and answers at once with its session id; the job streams into its room.
   * A request whose caller gave up waiting (see {@link Deadline}) starts nothing: one that comes
   * late is refused, and a job admitted too late to be answered in time ends failed at once, its
   * place given back, before it generates anything.
   */
  Future<JsonObject> generate(Message<JsonObject> message) {
    Identity caller = Identity.fromHeaders(message.headers());
    CourseRequest request = CourseRequest.parse(message.body(), settings.maxTopicLength());
    Deadline deadline = Deadline.of(message);
    deadline.check(START);
    String sessionId = Address.COURSE_SESSION_PREFIX + System.currentTimeMillis() + "_"
      + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    JobRef ref = new JobRef(sessionId, caller.userId(), nodeId);
    jobs.reserve(sessionId);
    return admit(ref, caller, request)
      .onFailure(err -> jobs.unreserve(sessionId))
      .compose(v -> {
        statusCounter.accept(JobStatus.RUNNING.wire());
        if (!deadline.open()) {
          return jobs.drop(ref, "the request that started this job was not answered in time (503); nothing was generated")
            .transform(ended -> Future.failedFuture(Deadline.late(START)));
        }
        jobs.start(ref, request);
        return Future.succeededFuture(new JsonObject().put(SUCCESS, true).put(SESSION_ID, sessionId).put(MESSAGE,
          "Course generation started. Register on room." + sessionId + " and join it for real-time updates."));
      });
  }

  /**
   * Within the user's limit (429 otherwise), the job is registered and its status stored: both or
   * neither. A user at the limit whose counted jobs include ended ones gets their places back first.
   */
  private Future<Void> admit(JobRef ref, Identity caller, CourseRequest request) {
    return register(ref)
      .compose(added -> added ? Future.succeededFuture(true)
        : releaseEnded(ref.owner()).compose(freed -> freed ? register(ref) : Future.succeededFuture(false)))
      .compose(added -> {
        if (!added) {
          return Future.failedFuture(ErrorCode.RATE_LIMITED.exception("you run " + settings.maxJobsPerUser()
            + " generation jobs already; wait for one to end or cancel it"));
        }
        return store.create(ref.sessionId(), initialStatus(ref, caller, request))
          .recover(err -> registry.release(nodeId, ref.owner(), ref.sessionId()).transform(v -> Future.failedFuture(err)));
      });
  }

  private Future<Boolean> register(JobRef ref) {
    return registry.register(nodeId, ref.owner(), ref.sessionId(), settings.maxJobsPerUser());
  }

  /**
   * Gives back the places of the owner's counted jobs that ended without giving theirs back (a
   * release that failed; a job its node stopped after the other side of a split cluster ended it,
   * whose release that side's copy of the registry lost when the two merged): their status is final,
   * or a job on a node that left (ended now, see {@link #current}), or a job of this node has no
   * status although it was admitted long enough ago to have one (a status another node keeps in its
   * own memory, without Redis, is not found here at all). True when a place was given back.
   */
  private Future<Boolean> releaseEnded(String owner) {
    return registry.jobsOfUser(owner).compose(counted -> {
      List<Future<Boolean>> released = new ArrayList<>();
      counted.forEach((sessionId, node) -> released.add(current(sessionId)
        .map(status -> !isRunning(status))
        .recover(err -> Future.succeededFuture(ErrorCode.of(err) == ErrorCode.NOT_FOUND && node.equals(nodeId)
          && admittedLongAgo(sessionId)))
        .compose(ended -> ended ? registry.release(node, owner, sessionId).map(true) : Future.succeededFuture(false))
        .recover(err -> Future.succeededFuture(false))));
      return Future.all(released).map(all -> released.stream().anyMatch(Future::result));
    });
  }

  /**
   * Whether the session was admitted more than {@link #STATUS_GRACE_MS} ago (its id says when): its
   * status is stored right after its place is taken, so one without a status by then never got one.
   */
  static boolean admittedLongAgo(String sessionId) {
    String rest = sessionId.startsWith(Address.COURSE_SESSION_PREFIX) ? sessionId.substring(Address.COURSE_SESSION_PREFIX.length()) : "";
    int end = rest.indexOf('_');
    try {
      return end > 0 && System.currentTimeMillis() - Long.parseLong(rest.substring(0, end)) > STATUS_GRACE_MS;
    } catch (NumberFormatException notOurs) {
      return false;
    }
  }

  private JsonObject initialStatus(JobRef ref, Identity caller, CourseRequest request) {
    return new JsonObject().put(SESSION_ID, ref.sessionId()).put(STATUS, JobStatus.RUNNING.wire())
      .put(TOPIC, request.topic()).put(LEVEL, request.level().wire()).put(WEB_SEARCH, request.webSearch())
      .put(OWNER, caller.userId()).put(OWNER_NAME, caller.name()).put(NODE, ref.node())
      .put(GENERATOR, jobs.generatorName()).put(STARTED_AT, Timestamps.now()).put(PERCENT, 0);
  }

  Future<JsonObject> status(Message<JsonObject> message) {
    Identity.fromHeaders(message.headers());
    return statusHere(message);
  }

  /** The same, asked by this node's session part (a join's reply, the idle-room sweeper): no caller. */
  Future<JsonObject> statusHere(Message<JsonObject> message) {
    return current(Fields.requiredId(message.body(), SESSION_ID, Fields.ROOM_ID));
  }

  /**
   * The session's status; 404 when there is none. A job said to be running on a node that is no
   * longer in the cluster (the whole cluster restarted, say) is ended as failed first.
   */
  Future<JsonObject> current(String sessionId) {
    return store.status(sessionId).compose(status -> {
      if (status == null) {
        return Future.failedFuture(ErrorCode.NOT_FOUND.exception("no course session '" + sessionId + "'"));
      }
      if (!isRunning(status) || registry.isMember(status.getString(NODE))) {
        return Future.succeededFuture(status);
      }
      return jobs.endOrphan(refOf(status), Outcome.failed(NodeLoss.MESSAGE)).compose(v -> current(sessionId));
    });
  }

  /** Only the owner or an admin cancels; a cancelled job answers the same again, an ended one 409. */
  Future<JsonObject> cancel(Message<JsonObject> message) {
    Identity caller = Identity.fromHeaders(message.headers());
    String sessionId = Fields.requiredId(message.body(), SESSION_ID, Fields.ROOM_ID);
    return current(sessionId).compose(status -> {
      if (!caller.userId().equals(status.getString(OWNER)) && !caller.isAdmin()) {
        return Future.failedFuture(ErrorCode.FORBIDDEN.exception(
          "only the owner of course session '" + sessionId + "' or an admin may cancel it"));
      }
      Future<?> stopped = isRunning(status) ? stopJob(refOf(status), caller.name()) : Future.succeededFuture();
      return stopped.compose(v -> current(sessionId)).compose(CourseRequests::cancelReply);
    });
  }

  private static Future<JsonObject> cancelReply(JsonObject status) {
    String now = status.getString(STATUS);
    String sessionId = status.getString(SESSION_ID);
    if (JobStatus.RUNNING.wire().equals(now)) {
      return Future.failedFuture(ErrorCode.CONFLICT.exception("course session '" + sessionId + "' is ending; ask again"));
    }
    if (!JobStatus.CANCELLED.wire().equals(now)) {
      return Future.failedFuture(ErrorCode.CONFLICT.exception("course session '" + sessionId + "' is " + now + " already"));
    }
    return Future.succeededFuture(new JsonObject().put(SESSION_ID, sessionId).put(STATUS, now));
  }

  /**
   * Asks the job's node to stop it. Only when that node is gone (nothing listens on its address, or
   * it is not in the cluster) is the job ended here. A node that is there but did not answer (slow,
   * or the reply was lost) may still run the job: ending it here would let it stream on after its
   * complete event, so the caller is told to ask again (503) and nothing changes.
   */
  private Future<Boolean> stopJob(JobRef ref, String by) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(NODE_REQUEST_TIMEOUT_MS);
    JsonObject body = new JsonObject().put(SESSION_ID, ref.sessionId()).put(REASON, by);
    return eventBus.<Boolean>request(Address.COURSE_NODE_PREFIX + ref.node(), body, options)
      .map(reply -> true)
      .recover(err -> nodeGone(ref.node(), err) ? jobs.endOrphan(ref, Outcome.cancelled(by))
        : Future.failedFuture(ErrorCode.UNAVAILABLE.exception("the node running course session '" + ref.sessionId()
          + "' did not stop it (" + ErrorCode.messageOf(err) + ")")));
  }

  private boolean nodeGone(String node, Throwable err) {
    return err instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS
      || !registry.isMember(node);
  }

  /**
   * The node address's handler: cancel a job of this node, or (with {@code ended}) stop one that
   * another node ended, once what it queued for its room is sent.
   */
  Future<Boolean> cancelHere(Message<JsonObject> message) {
    String sessionId = Fields.requiredId(message.body(), SESSION_ID, Fields.ROOM_ID);
    if (message.body().getBoolean(ENDED, false)) {
      return jobs.halt(sessionId);
    }
    return jobs.cancel(sessionId, Fields.requiredString(message.body(), REASON, 200));
  }

  Future<JsonObject> course(Message<JsonObject> message) {
    Identity.fromHeaders(message.headers());
    String courseId = Fields.requiredId(message.body(), COURSE_ID, Fields.ROOM_ID);
    return store.course(courseId).compose(course -> course == null
      ? Future.failedFuture(ErrorCode.NOT_FOUND.exception("no course '" + courseId + "'"))
      : Future.succeededFuture(course));
  }

  /** A connection of this node joined a room: if it is a course session's, tell the joiner its status. */
  void greet(Message<JsonObject> joined) {
    String roomId = joined.body().getString(ROOM_ID);
    String connId = joined.body().getString(CONN_ID);
    if (roomId == null || connId == null || !roomId.startsWith(Address.COURSE_SESSION_PREFIX)) {
      return;
    }
    current(roomId).onSuccess(status -> {
      Outbound.deliverToConnection(eventBus, connId, Address.room(roomId), Envelope.of(Event.SESSION_STATUS, roomId, status));
      published.accept(Event.SESSION_STATUS);
    });
  }

  private static boolean isRunning(JsonObject status) {
    return JobStatus.RUNNING.wire().equals(status.getString(STATUS));
  }

  private static JobRef refOf(JsonObject status) {
    return new JobRef(status.getString(SESSION_ID), status.getString(OWNER), status.getString(NODE));
  }
}
