package dev.skillbus;

import com.hazelcast.internal.util.ConcurrencyUtil;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where Hazelcast completes the futures of its asynchronous calls (every membership change, room
 * rule and job record goes through one). Hazelcast uses the JVM's common fork-join pool, but on a
 * machine with one or two cores that pool has a parallelism of at most one and Hazelcast then starts
 * a new thread for every completion: thousands of threads a second while clients join. There, the
 * completions run on a small pool of our own instead.
 */
final class HazelcastCallbacks {

  private static final Logger LOG = LoggerFactory.getLogger(HazelcastCallbacks.class);
  private static final int THREADS = 2;
  private static final AtomicBoolean INSTALLED = new AtomicBoolean();

  private HazelcastCallbacks() {
  }

  /** Once per JVM, before the first Hazelcast instance starts. */
  static void install() {
    if (ForkJoinPool.getCommonPoolParallelism() > 1 || !INSTALLED.compareAndSet(false, true)) {
      return;
    }
    ConcurrencyUtil.setDefaultAsyncExecutor(pool());
    LOG.debug("Hazelcast completions run on {} threads of their own", THREADS);
  }

  private static Executor pool() {
    return new ForkJoinPool(THREADS, pool -> {
      var thread = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
      thread.setName("skillbus-hazelcast-completion-" + thread.getPoolIndex());
      thread.setDaemon(true);
      return thread;
    }, null, true);
  }
}
