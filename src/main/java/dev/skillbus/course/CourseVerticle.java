package dev.skillbus.course;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent.LifecycleState;
import dev.skillbus.cluster.DepartedNodes;
import dev.skillbus.cluster.Nodes;
import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.Inbound;
import dev.skillbus.protocol.Requests;
import dev.skillbus.store.DocumentStore;
import dev.skillbus.store.RoomHistory;
import dev.skillbus.ops.Metrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Course generation jobs and AI requests. The {@code course.*} and {@code ai.request} consumers are
 * cluster-wide, so the event bus spreads jobs over the nodes; a job runs where its request landed,
 * streams into its session's room and ends once, stored. Deploy exactly one instance per node: it
 * watches the cluster, and when a node dies, the oldest node ends that node's jobs.
 *
 * <p>Config (its own object, see {@link CourseSettings}): {@code generator} ({@code template} or
 * {@code openai}), {@code timeLimitSeconds}, {@code maxJobsPerUser}, {@code maxJobsPerNode},
 * {@code sessionTtlSeconds}, {@code sweepIntervalSeconds}, {@code maxTopicLength},
 * {@code template.paceMs}, {@code ai.{maxConcurrentPerUser, maxConcurrentPerNode, timeLimitSeconds}},
 * {@code openai.{baseUrl, model, apiKey, timeoutMs, maxAnswerChars}}.
 */
public final class CourseVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(CourseVerticle.class);

  private final HazelcastInstance hazelcast;
  private final RoomHistory history;
  private final DocumentStore documents;
  private HttpClient http;
  private HttpClient chatHttp;
  private final Metrics metrics;
  private SessionExpiry expiry;
  private JobEnder ender;
  private LocalJobs jobs;
  private DepartedNodes departed;
  private UUID lifecycleListener;

  public CourseVerticle(HazelcastInstance hazelcast, RoomHistory history, DocumentStore documents, Metrics metrics) {
    this.hazelcast = hazelcast;
    this.history = history;
    this.documents = documents;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    CourseSettings settings = CourseSettings.from(config());
    String nodeId = Nodes.localId(hazelcast);
    http = vertx.createHttpClient(new HttpClientOptions(),
      new PoolOptions().setHttp1MaxSize(Math.max(4, settings.maxJobsPerNode())));
    OpenAiClient openAi = new OpenAiClient(vertx, http, settings.openai());
    // Chat has connections of its own, as many as the node runs AI requests: chats never wait for
    // a connection, and never hold one a course job needs.
    chatHttp = vertx.createHttpClient(new HttpClientOptions(),
      new PoolOptions().setHttp1MaxSize(settings.ai().maxPerNode()));
    CourseStore store = new CourseStore(documents, Duration.ofSeconds(settings.sessionTtlSeconds()));
    JobRegistry registry = new JobRegistry(context, hazelcast);
    expiry = new SessionExpiry(vertx, history, settings.sessionTtlSeconds() * 1000);
    ender = new JobEnder(vertx, store, registry, expiry, metrics::generationJob);
    jobs = new LocalJobs(vertx, settings, generator(settings, openAi), store, ender, history, metrics::event);
    CourseRequests courses = new CourseRequests(vertx.eventBus(), settings, nodeId, store, registry, jobs,
      metrics::generationJob, metrics::event);
    AiRequests ai = new AiRequests(context, List.of(new OutlineTool(settings.maxTopicLength()),
      new ChatTool(new OpenAiClient(vertx, chatHttp, settings.openai()))), settings.ai(), metrics::event);
    List<MessageConsumer<JsonObject>> consumers = consumers(nodeId, courses, ai);
    watchCluster(registry, settings);
    expiry.start(settings.sweepIntervalSeconds() * 1000);
    LOG.info("Course verticle started on node {} with the {} generator", nodeId, settings.generator());
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  private List<MessageConsumer<JsonObject>> consumers(String nodeId, CourseRequests courses, AiRequests ai) {
    return List.of(
      serve(Inbound.COURSE_GENERATE.address(), courses::generate),
      serve(Inbound.COURSE_STATUS.address(), courses::status),
      serve(Inbound.COURSE_CANCEL.address(), courses::cancel),
      serve(Address.COURSE_GET, courses::course),
      serve(Inbound.AI_REQUEST.address(), ai::request),
      serve(Address.COURSE_NODE_PREFIX + nodeId, courses::cancelHere),
      vertx.eventBus().localConsumer(Address.ROOM_JOINED, courses::greet),
      vertx.eventBus().<JsonObject>localConsumer(Address.COURSE_SESSION_STATUS, m -> Requests.serve(m, courses::statusHere)));
  }

  /** The oldest node ends a dead node's jobs; a node out of the cluster stops working on its own. */
  private void watchCluster(JobRegistry registry, CourseSettings settings) {
    departed = new DepartedNodes(vertx, hazelcast, "course jobs", new NodeLoss(registry, jobs),
      () -> metrics.clusterRepair("departed_node_jobs"));
    departed.start(settings.sweepIntervalSeconds() * 1000);
    lifecycleListener = hazelcast.getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleState.SHUTTING_DOWN) {
        context.runOnContext(v -> {
          ender.close();
          jobs.abandonAll();
        });
      }
    });
  }

  private CourseGenerator generator(CourseSettings settings, OpenAiClient openAi) {
    if (settings.generator().equals(OpenAiGenerator.NAME)) {
      LOG.info("Courses are generated by {}", openAi.settings());
      return new OpenAiGenerator(openAi);
    }
    return new TemplateGenerator(vertx, settings.templatePaceMs());
  }

  /** Cluster-wide: any node may serve these. */
  private MessageConsumer<JsonObject> serve(String address, Function<Message<JsonObject>, Future<?>> handler) {
    return vertx.eventBus().consumer(address, message -> Requests.serve(message, handler));
  }

  /** Ends this node's jobs as failed (with their events) while the store and the cluster still work. */
  @Override
  public Future<?> stop() {
    expiry.stop();
    departed.stop();
    ender.close();
    Future<Void> ended;
    if (hazelcast.getLifecycleService().isRunning()) {
      hazelcast.getLifecycleService().removeLifecycleListener(lifecycleListener);
      ended = jobs.stopAll("the node running this job shut down");
    } else {
      jobs.abandonAll();
      ended = Future.succeededFuture();
    }
    return ended.eventually(() -> Future.join(http.close(), chatHttp.close()));
  }
}
