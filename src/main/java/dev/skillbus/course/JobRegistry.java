package dev.skillbus.course;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.skillbus.cluster.Nodes;
import dev.skillbus.cluster.Pauses;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The running jobs of the cluster, in Hazelcast: {@code skillbus.course.user-jobs} (user → their
 * running sessions and the node of each), which bounds the jobs a user runs at once wherever they
 * run, and {@code skillbus.course.node-jobs} (node → the sessions it runs and their owners), which
 * lets a survivor take over the jobs of a node that died. Node ids are those of {@link Nodes}. Results come back on the verticle's context.
 */
final class JobRegistry {

  static final String USER_JOBS = "skillbus.course.user-jobs";
  static final String NODE_JOBS = "skillbus.course.node-jobs";

  private final Context context;
  private final HazelcastInstance hazelcast;
  private final IMap<String, HashMap<String, String>> userJobs;
  private final IMap<String, HashMap<String, String>> nodeJobs;

  JobRegistry(Context context, HazelcastInstance hazelcast) {
    this.context = context;
    this.hazelcast = hazelcast;
    this.userJobs = hazelcast.getMap(USER_JOBS);
    this.nodeJobs = hazelcast.getMap(NODE_JOBS);
  }

  /**
   * Notes a job of {@code owner} on {@code nodeId}, unless the owner runs {@code perUserLimit} jobs
   * already; true when noted. The node's note comes first, so a crash in between leaves nothing
   * that a survivor does not clean up.
   */
  Future<Boolean> register(String nodeId, String owner, String sessionId, int perUserLimit) {
    return submit(nodeJobs, nodeId, new JobProcessors.Add(sessionId, owner, Integer.MAX_VALUE))
      .compose(v -> submit(userJobs, owner, new JobProcessors.Add(sessionId, nodeId, perUserLimit)))
      .compose(added -> added ? Future.succeededFuture(true)
        : submit(nodeJobs, nodeId, new JobProcessors.Remove(sessionId)).map(false));
  }

  /** Forgets a job that ended (or never started); forgetting it twice changes nothing. */
  Future<Void> release(String nodeId, String owner, String sessionId) {
    return Future.join(submit(userJobs, owner, new JobProcessors.Remove(sessionId)),
      submit(nodeJobs, nodeId, new JobProcessors.Remove(sessionId))).mapEmpty();
  }

  /** The jobs counted against a user's limit (session → node). */
  Future<Map<String, String>> jobsOfUser(String owner) {
    return Future.fromCompletionStage(userJobs.getAsync(owner), context)
      .map(jobs -> jobs == null ? Map.<String, String>of() : Map.copyOf(jobs));
  }

  /** The jobs of a node (session → owner); they leave the registry as they end. */
  Future<Map<String, String>> jobsOf(String nodeId) {
    return Future.fromCompletionStage(nodeJobs.getAsync(nodeId), context)
      .map(jobs -> jobs == null ? Map.<String, String>of() : Map.copyOf(jobs));
  }

  /** The nodes that the node → jobs record names. */
  Future<Collection<String>> nodes() {
    return context.<Collection<String>>executeBlocking(() -> Set.copyOf(nodeJobs.keySet()), false);
  }

  /**
   * True while {@code nodeId} is in the cluster, or may be: a node that left this node's view right
   * after a long pause of this JVM was most likely not gone (see {@link Pauses}).
   */
  boolean isMember(String nodeId) {
    return Nodes.isLive(hazelcast, nodeId) || !Pauses.jvm().trustsDeparture(nodeId);
  }

  private <R> Future<R> submit(IMap<String, HashMap<String, String>> map, String key,
                               com.hazelcast.map.EntryProcessor<String, HashMap<String, String>, R> processor) {
    return Future.fromCompletionStage(map.submitToKey(key, processor), context);
  }
}
