package dev.skillbus.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's stores, built from its settings: all in Redis when a Redis URL is set (shared by every
 * node), all in this node's memory otherwise. Start them before the verticles that use them and
 * close them after.
 */
public final class Stores {

  private static final Logger LOG = LoggerFactory.getLogger(Stores.class);

  private final RoomHistory history;
  private final DocumentStore documents;
  private final ListStore lists;
  private final InboxStore inbox;
  private final StoreHealth health;
  private final RedisLink redis;
  private final String redisUrl;

  private Stores(RoomHistory history, DocumentStore documents, ListStore lists, InboxStore inbox,
                 StoreHealth health, RedisLink redis, String redisUrl) {
    this.history = history;
    this.documents = documents;
    this.lists = lists;
    this.inbox = inbox;
    this.health = health;
    this.redis = redis;
    this.redisUrl = redisUrl;
  }

  public static Stores create(Vertx vertx, StoreSettings s) {
    return create(vertx, s, CommandTimer.NONE);
  }

  /** As {@link #create(Vertx, StoreSettings)}; {@code timer} is told how long each Redis command took. */
  public static Stores create(Vertx vertx, StoreSettings s, CommandTimer timer) {
    Clock clock = Clock.systemUTC();
    if (s.redis() == null) {
      return new Stores(new InMemoryRoomHistory(s.historyMaxEvents(), s.historyMaxAgeSeconds(), clock),
        new InMemoryDocumentStore(s.maxValueBytes(), clock),
        new InMemoryListStore(s.maxValueBytes(), s.maxItemsPerOwner()),
        new InMemoryInbox(s.maxValueBytes(), s.inboxMaxPerUser(), s.inboxTtlSeconds(), s.inboxMaxUsers(),
          s.inboxMaxMemoryMb() * 1_048_576L, clock),
        StoreHealth.memory(), null, null);
    }
    RedisLink redis = new RedisLink(vertx, s.redis(), timer);
    return new Stores(new RedisRoomHistory(redis, s.historyMaxEvents(), s.historyMaxAgeSeconds(), clock),
      new RedisDocumentStore(redis, s.maxValueBytes()),
      new RedisListStore(redis, s.maxValueBytes(), s.maxItemsPerOwner()),
      new RedisInbox(redis, s.maxValueBytes(), s.inboxMaxPerUser(), s.inboxTtlSeconds(), s.inboxMaxUsers()),
      redis, redis, s.redis().safeUrl());
  }

  /** Connects to Redis (the node starts even when Redis is down: it keeps trying). */
  public Future<Void> start() {
    if (redis == null) {
      LOG.info("Store: in memory (history, documents, lists and inboxes are this node's own)");
      return Future.succeededFuture();
    }
    LOG.info("Store: Redis at {} (shared by every node)", redisUrl);
    return redis.start();
  }

  /** Closes the Redis client and stops watching Redis. */
  public Future<Void> close() {
    return redis == null ? Future.succeededFuture() : redis.close();
  }

  /** True when every node sees the same data (Redis); false for this node's memory. */
  public boolean shared() {
    return redis != null;
  }

  public RoomHistory history() {
    return history;
  }

  public DocumentStore documents() {
    return documents;
  }

  public ListStore lists() {
    return lists;
  }

  public InboxStore inbox() {
    return inbox;
  }

  public StoreHealth health() {
    return health;
  }
}
