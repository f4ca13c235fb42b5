package dev.skillbus.session;

import io.vertx.core.Future;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Operations of one key run one after the other: each starts once the one before it is done
 * (succeeded or failed), so that what they publish goes out in the order they were asked for even
 * when the calls they make (to Redis over a pool, to Hazelcast for a key on another node, whose
 * replies come back on several threads) would end in another order. Keys are forgotten once
 * nothing of theirs is under way.
 */
final class InTurn {

  /** Per key, the operation started last while it is under way. */
  private final Map<String, Future<?>> last = new ConcurrentHashMap<>();

  <T> Future<T> run(String key, Supplier<Future<T>> operation) {
    Future<?> previous = last.get(key);
    Future<T> next = previous == null || previous.isComplete() ? operation.get() : previous.transform(ar -> operation.get());
    if (!next.isComplete()) {
      last.put(key, next);
      next.onComplete(ar -> last.remove(key, next));
    }
    return next;
  }
}
