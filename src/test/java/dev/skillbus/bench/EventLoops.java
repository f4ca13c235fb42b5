package dev.skillbus.bench;

import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * One context on each event loop, to spread the connections over them: everything started from
 * the main thread would otherwise land on the one event loop Vert.x sticks to that thread. The
 * contexts come from a deployment of one do-nothing verticle per loop.
 */
final class EventLoops {

  private final Vertx vertx;
  private final List<Context> contexts;
  private final String deployment;

  private EventLoops(Vertx vertx, List<Context> contexts, String deployment) {
    this.vertx = vertx;
    this.contexts = List.copyOf(contexts);
    this.deployment = deployment;
  }

  static Future<EventLoops> deploy(Vertx vertx, int loops) {
    List<Context> contexts = new CopyOnWriteArrayList<>();
    return vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        contexts.add(context);
        return Future.succeededFuture();
      }
    }, new DeploymentOptions().setInstances(loops)).map(id -> new EventLoops(vertx, contexts, id));
  }

  /** Runs {@code action} on the context of connection {@code index}; its future completes there. */
  <T> Future<T> on(int index, Supplier<Future<T>> action) {
    Promise<T> done = Promise.promise();
    contexts.get(index % contexts.size()).runOnContext(v -> action.get().onComplete(done));
    return done.future();
  }

  Future<Void> undeploy() {
    return vertx.undeploy(deployment);
  }
}
