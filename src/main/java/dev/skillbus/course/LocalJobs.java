package dev.skillbus.course;

import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.store.RoomHistory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The jobs this node runs, and the node's limit on them. A place is reserved before the cluster is
 * asked about the user's limit, so that requests arriving together never exceed the node's limit.
 * Also ends jobs for which no node is left (their node died, or the cluster restarted).
 */
final class LocalJobs {

  private final Vertx vertx;
  private final CourseSettings settings;
  private final CourseGenerator generator;
  private final CourseStore store;
  private final JobEnder ender;
  private final RoomHistory history;
  private final Consumer<String> published;
  private final Map<String, CourseJob> running = new HashMap<>();
  private final Set<String> reserved = new HashSet<>();

  /** {@code published} is told the name of each event a job's room gets. */
  LocalJobs(Vertx vertx, CourseSettings settings, CourseGenerator generator, CourseStore store, JobEnder ender,
            RoomHistory history, Consumer<String> published) {
    this.published = published;
    this.vertx = vertx;
    this.settings = settings;
    this.generator = generator;
    this.store = store;
    this.ender = ender;
    this.history = history;
  }

  String generatorName() {
    return generator.name();
  }

  /** Reserves a place for a new job, or a 429 when the node runs its limit. */
  void reserve(String sessionId) {
    if (running.size() + reserved.size() >= settings.maxJobsPerNode()) {
      throw ErrorCode.RATE_LIMITED.exception("this node runs its limit of " + settings.maxJobsPerNode()
        + " generation jobs; try again shortly");
    }
    reserved.add(sessionId);
  }

  /** Gives back a place that was reserved for a job that did not start. */
  void unreserve(String sessionId) {
    reserved.remove(sessionId);
  }

  /**
   * Ends at once, as failed, a job admitted in a place reserved for it that is not to run (its
   * caller was told it did not start): its status is final and its place in the user's limit given
   * back, as for any job that ended. True when this call ended it.
   */
  Future<Boolean> drop(JobRef ref, String reason) {
    reserved.remove(ref.sessionId());
    return ender.end(ref, events(ref.sessionId()), Outcome.failed(reason));
  }

  /** Starts a job in a place reserved for it. */
  void start(JobRef ref, CourseRequest request) {
    reserved.remove(ref.sessionId());
    CourseJob job = new CourseJob(vertx, ref, request, generator, events(ref.sessionId()), store, ender);
    running.put(ref.sessionId(), job);
    job.finished().onComplete(v -> running.remove(ref.sessionId()));
    job.start(settings.timeLimitSeconds());
  }

  /**
   * Cancels a job of this node; 404 when it is not running here. A job that is ending already (its
   * course being stored, say) is waited for, so that the caller then reads how it ended.
   */
  Future<Boolean> cancel(String sessionId, String by) {
    CourseJob job = running.get(sessionId);
    if (job == null) {
      return Future.failedFuture(ErrorCode.NOT_FOUND.exception("no job of course session '" + sessionId + "' runs here"));
    }
    return job.stop(Outcome.cancelled(by)).compose(ended -> ended ? Future.succeededFuture(true) : job.finished().map(false));
  }

  /**
   * Ends a job no node should run any more; true when this call ended it. Should its node be there
   * all the same, that node stops it before the complete event goes out.
   */
  Future<Boolean> endOrphan(JobRef ref, Outcome outcome) {
    return ender.endElsewhere(ref, events(ref.sessionId()), outcome);
  }

  /** A job of this node was ended elsewhere: it stops; true once what it queued is sent, false when it is not here. */
  Future<Boolean> halt(String sessionId) {
    CourseJob job = running.get(sessionId);
    return job == null ? Future.succeededFuture(false) : job.endedElsewhere().map(true);
  }

  /** The node is shutting down: every job ends as failed, with the events sent. */
  Future<Void> stopAll(String reason) {
    List<Future<Boolean>> stopping = new ArrayList<>();
    new ArrayList<>(running.values()).forEach(job -> stopping.add(job.stop(Outcome.failed(reason))));
    return Future.join(stopping).mapEmpty();
  }

  /** This node left the cluster: its jobs are the survivors' to end. */
  void abandonAll() {
    new ArrayList<>(running.values()).forEach(CourseJob::abandon);
  }

  private SessionEvents events(String sessionId) {
    return new SessionEvents(vertx, history, sessionId, ender::closed, published);
  }
}
