package dev.skillbus.coaching;

import dev.skillbus.auth.RoomRules;
import dev.skillbus.ops.Metrics;
import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.Inbound;
import dev.skillbus.protocol.Requests;
import dev.skillbus.store.DocumentStore;
import dev.skillbus.store.InboxStore;
import dev.skillbus.store.ListStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusteredNode;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coaching: quick notes and action items per agent, live session documents, and notifications with
 * an inbox for users who are away. Everything it keeps is in the stores, so any node serves the
 * {@code notes.*}, {@code actions.*}, {@code session.update} and {@code notify.send} requests; only
 * the delivery of queued notifications to a connection is served by that connection's node. Deploy
 * one instance per node, after the session verticle (it sends room events through it).
 *
 * <p>Config (its own object): {@code pageSize} (items in a listing page when the request names no
 * {@code limit}, default 20), {@code maxPageSize} (the largest {@code limit}, default 100),
 * {@code deliveryTimeoutMs} (how long a node holding a user's connection has to say it wrote a
 * notification, else it is queued; default 3000).
 */
public final class CoachingVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(CoachingVerticle.class);

  private final DocumentStore documents;
  private final ListStore lists;
  private final InboxStore inbox;
  private final ClusteredNode cluster;
  private final Metrics metrics;
  private final RoomRules rules;

  /** With the rooms' access rules, which requests naming a session room obey. */
  public CoachingVerticle(DocumentStore documents, ListStore lists, InboxStore inbox, ClusteredNode cluster,
                          Metrics metrics, RoomRules rules) {
    this.documents = documents;
    this.lists = lists;
    this.inbox = inbox;
    this.cluster = cluster;
    this.metrics = metrics;
    this.rules = rules;
  }

  @Override
  public Future<?> start() {
    CoachingSettings settings = CoachingSettings.from(config());
    Audiences audiences = new Audiences(vertx.eventBus(), metrics, rules);
    QuickNotes notes = new QuickNotes(lists, audiences, settings);
    ActionItems actions = new ActionItems(lists, audiences, settings);
    SessionDocuments sessions = new SessionDocuments(documents, audiences, vertx.eventBus());
    Notifications notifications = new Notifications(inbox, new UserPresence(cluster, context), audiences,
      vertx, settings.deliveryTimeoutMs());
    List<MessageConsumer<JsonObject>> consumers = List.of(
      serve(Inbound.NOTES_CREATE.address(), notes::create),
      serve(Inbound.NOTES_DELETE.address(), notes::delete),
      serve(Address.NOTES_LIST, notes::list),
      serve(Inbound.ACTIONS_CREATE.address(), actions::create),
      serve(Inbound.ACTIONS_UPDATE.address(), actions::update),
      serve(Inbound.ACTIONS_DELETE.address(), actions::delete),
      serve(Address.ACTIONS_LIST, actions::list),
      serve(Inbound.SESSION_UPDATE.address(), sessions::update),
      serve(Address.SESSION_GET, sessions::get),
      serve(Inbound.NOTIFY_SEND.address(), notifications::send),
      vertx.eventBus().localConsumer(Address.USER_REGISTERED, m -> Requests.serve(m, notifications::userRegistered)));
    LOG.info("Coaching verticle started");
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  /**
   * Registered cluster-wide; the bridge sends browsers' and REST requests to its own node's only
   * (see {@code Inbound}), other senders to whichever node the event bus picks.
   */
  private MessageConsumer<JsonObject> serve(String address, Function<Message<JsonObject>, Future<?>> handler) {
    return vertx.eventBus().consumer(address, message -> Requests.serve(message, handler));
  }
}
