package dev.skillbus.course;

import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.Timestamps;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One generation job running on this node: drives its generator, streams what it reports into the
 * session's room, keeps the status's percent, enforces the time limit, and ends the job once, with
 * the course stored, or failed, or cancelled. Everything it started (the time-limit timer, the
 * generator's work) is stopped when it ends. Lives on the course verticle's event loop.
 */
final class CourseJob implements Generation {

  private final Vertx vertx;
  private final JobRef ref;
  private final CourseRequest request;
  private final CourseGenerator generator;
  private final SessionEvents events;
  private final CourseStore store;
  private final JobEnder ender;
  private final List<Runnable> stopHooks = new ArrayList<>();
  private final Promise<Void> finished = Promise.promise();
  private boolean stopped;
  private long timer = -1;
  private int percent;
  /** Percent writes one after the other, so that an older one never lands last. */
  private Future<Boolean> percentWrites = Future.succeededFuture(true);

  CourseJob(Vertx vertx, JobRef ref, CourseRequest request, CourseGenerator generator, SessionEvents events,
            CourseStore store, JobEnder ender) {
    this.vertx = vertx;
    this.ref = ref;
    this.request = request;
    this.generator = generator;
    this.events = events;
    this.store = store;
    this.ender = ender;
  }

  JobRef ref() {
    return ref;
  }

  /** Completes once the job's end is stored and it is out of the registry (or the node stops). */
  Future<Void> finished() {
    return finished.future();
  }

  void start(long timeLimitSeconds) {
    timer = vertx.setTimer(timeLimitSeconds * 1000,
      id -> stop(Outcome.failed("the job took longer than its time limit of " + timeLimitSeconds + " s")));
    // Ended elsewhere while this node did not hear of it (paused past the stop's timeout): the
    // history refused an update, and whoever ended the job told the room.
    events.endedAlready().onSuccess(v -> {
      if (!stopped) {
        abandon();
      }
    });
    events.update(StreamMessage.log("Course generation started: \"" + request.topic() + "\", "
      + request.level().wire() + " level, " + generator.name() + " generator"));
    Future<JsonObject> built;
    try {
      built = generator.generate(this);
    } catch (RuntimeException e) {
      built = Future.failedFuture(e);
    }
    built.onComplete(ar -> {
      if (stopped) {
        return;
      }
      if (ar.succeeded()) {
        complete(ar.result());
      } else {
        stop(Outcome.failed(messageOf(ar.cause())));
      }
    });
  }

  /** Ends the job early (cancel, time limit, failure, shutdown); true when this call ended it. */
  Future<Boolean> stop(Outcome outcome) {
    if (stopped) {
      return Future.succeededFuture(false);
    }
    halt();
    return ender.end(ref, events, outcome).onComplete(ar -> finished.tryComplete());
  }

  /** This node left the cluster and a survivor ends the job: stop working, say nothing. */
  void abandon() {
    halt();
    finished.tryComplete();
  }

  /** Another node ended the job and tells the room: stop working; completes once what was queued is sent. */
  Future<Void> endedElsewhere() {
    abandon();
    return events.flushed();
  }

  private void halt() {
    stopped = true;
    vertx.cancelTimer(timer);
    stopHooks.forEach(Runnable::run);
    stopHooks.clear();
  }

  /** Stores the course, then ends the job as completed; a course that cannot be stored fails it. */
  private void complete(JsonObject built) {
    JsonObject course;
    try {
      course = CourseShape.check(built);
    } catch (IllegalArgumentException e) {
      stop(Outcome.failed("the " + generator.name() + " generator built an invalid course: " + e.getMessage()));
      return;
    }
    stopped = true;
    vertx.cancelTimer(timer);
    String courseId = UUID.randomUUID().toString();
    save(courseId, stored(course, courseId), 1)
      .transform(saved -> saved.succeeded()
        ? ender.end(ref, events, Outcome.completed(courseId, lastUpdates(course, courseId)))
          .compose(ended -> ended ? Future.succeededFuture() : store.deleteCourse(courseId))
        : ender.end(ref, events, Outcome.failed("the course could not be stored: " + messageOf(saved.cause()))).mapEmpty())
      .onComplete(ar -> finished.tryComplete());
  }

  /**
   * Stores the course; a failure of the store (a Redis outage, a timeout: 503) is tried again as the end is (see
   * {@link SessionEvents#END_ATTEMPTS}), none once the node stops: a few seconds of trouble must not
   * throw away minutes of generation. A try that finds the course there already (an earlier write
   * was made though it failed) has stored it.
   */
  private Future<Void> save(String courseId, JsonObject course, int attempt) {
    return store.saveCourse(courseId, course).recover(err -> {
      if (attempt > 1 && ErrorCode.of(err) == ErrorCode.CONFLICT) {
        return Future.succeededFuture();
      }
      if (!Backoff.triesAgain(err, attempt, ender.closed())) {
        return Future.failedFuture(err);
      }
      return Backoff.retry(vertx, attempt, "the course of session " + ref.sessionId(), err,
        () -> save(courseId, course, attempt + 1));
    });
  }

  private JsonObject stored(JsonObject course, String courseId) {
    return course.copy().put(CourseFields.COURSE_ID, courseId).put(CourseFields.SESSION_ID, ref.sessionId())
      .put(CourseFields.TOPIC, request.topic()).put(CourseFields.LEVEL, request.level().wire())
      .put(CourseFields.GENERATOR, generator.name()).put(CourseFields.OWNER, ref.owner())
      .put("createdAt", Timestamps.now());
  }

  private static List<StreamMessage> lastUpdates(JsonObject course, String courseId) {
    int modules = course.getJsonArray("modules").size();
    int lessons = course.getJsonArray("modules").stream()
      .mapToInt(m -> ((JsonObject) m).getJsonArray("lessons").size()).sum();
    return List.of(
      StreamMessage.success("Course \"" + course.getString("title") + "\" generated"),
      StreamMessage.courseGenerated("Course saved", new JsonObject().put(CourseFields.COURSE_ID, courseId)
        .put("title", course.getString("title")).put("summary", course.getString("summary"))
        .put("modules", modules).put("lessons", lessons)));
  }

  @Override
  public CourseRequest request() {
    return request;
  }

  @Override
  public void log(String message) {
    if (!stopped) {
      events.update(StreamMessage.log(message));
    }
  }

  @Override
  public void progress(int step, int totalSteps, String message) {
    if (stopped) {
      return;
    }
    StreamMessage progress = StreamMessage.progress(step, totalSteps, message);
    events.update(progress);
    if (progress.percent() > percent) {
      percent = progress.percent();
      JsonObject fields = new JsonObject().put(CourseFields.PERCENT, percent);
      percentWrites = percentWrites.transform(ar -> store.updateIfRunning(ref.sessionId(), fields))
        .onSuccess(update -> {
          if (stopped || update == CourseStore.Update.CHANGED) {
            return;
          }
          if (update == CourseStore.Update.MISSING) {
            // Nobody ended it: end it here, or its owner's place and its room wait for ever.
            stop(Outcome.failed(JobEnder.LOST));
          } else {
            abandon(); // ended elsewhere (a cancel that found no node, say), which told the room
          }
        })
        .map(update -> update == CourseStore.Update.CHANGED);
    }
  }

  @Override
  public boolean stopped() {
    return stopped;
  }

  @Override
  public void onStop(Runnable cleanup) {
    if (stopped) {
      cleanup.run();
    } else {
      stopHooks.add(cleanup);
    }
  }

  static String messageOf(Throwable err) {
    return err.getMessage() == null ? "unexpected error (" + err.getClass().getSimpleName() + ")" : err.getMessage();
  }
}
