package dev.skillbus.session;

import static dev.skillbus.session.SessionFields.PARTICIPANTS;

import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.Event;
import dev.skillbus.protocol.Fields;
import dev.skillbus.store.RedisLink;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code user-joined} and {@code user-left} events of this node's changes of rooms: published in
 * the order of each room's changes (see {@link PresenceAnnouncer}), those the store refuses kept
 * and sent again (see {@link PresenceRetry}), handed to another node when this one stops, and the
 * {@code user-left} that a leave made though it failed owes (see {@link Exits}).
 */
final class PresenceEvents implements RoomRepair.Announcer {

  private static final Logger LOG = LoggerFactory.getLogger(PresenceEvents.class);
  /** How far back in a room's history an owed {@code user-left} looks for the room's latest presence event. */
  private static final int OWED_LOOKBACK = 100;

  private final RoomEvents events;
  private final Exits exits;
  private final PresenceAnnouncer announcer;
  private final PresenceRetry presence;

  /** {@code exits} is told of each change announced, which settles the unsure leaves of its users. */
  PresenceEvents(RoomRegistry registry, RoomEvents events, Exits exits) {
    this.events = events;
    this.exits = exits;
    this.announcer = new PresenceAnnouncer(registry::roster, events);
    this.presence = new PresenceRetry(registry::roster, announcer::announce);
  }

  /**
   * Publishes {@code event} (user-joined or user-left) for each user the change names, in the order
   * of the room's changes. The change is made already: an event the store refuses is kept to be sent
   * once it takes it again, and the caller still learns of the failure.
   */
  @Override
  public Future<Void> announce(String roomId, String event, RoomChange change) {
    exits.settle(roomId, change.users());
    List<Future<Void>> sent = new ArrayList<>();
    for (Connection user : change.users()) {
      LOG.debug("{} {} in room {} (node {})", event, user.userId(), roomId, user.nodeId());
      Presence announced = new Presence(event, user, change.roster().version());
      sent.add(announcer.announce(roomId, announced, change.roster())
        .onFailure(err -> presence.add(roomId, announced, RedisLink.notSent(err))));
    }
    return Future.all(sent).mapEmpty();
  }

  /**
   * The {@code user-left} that leaves made though they failed owe (see {@link Exits}), one for each
   * of {@code users}, unless peers show that user gone already (see {@link #shown}, read once for
   * all of them: each one announced changes the room's latest presence event).
   */
  @Override
  public Future<Void> owedLeft(String roomId, Collection<Connection> users, Roster roster) {
    return users.isEmpty() ? Future.succeededFuture() : shown(roomId).compose(shown -> owedLeft(roomId, users, roster, shown));
  }

  /**
   * The same, with who peers show as {@code shown} read before (by {@link #shown}, before the
   * events of a change that comes with these were announced). Each carries the version read, as
   * any event of a change does; a room read empty has none (version 0, which an earlier owed event
   * of the same user may have carried, and the history would take this one for that one), so there
   * it carries this node's clock in µs.
   */
  Future<Void> owedLeft(String roomId, Collection<Connection> users, Roster roster, Predicate<String> shown) {
    List<Future<Void>> sent = new ArrayList<>();
    for (Connection user : users) {
      if (!shown.test(user.userId())) {
        LOG.info("A failed leave of room {} by {} was made, and the room's last presence event shows them gone already",
          roomId, user.userId());
        continue;
      }
      exits.settle(roomId, List.of(user));
      long change = roster.version() > 0 ? roster.version() : System.currentTimeMillis() * 1000;
      Presence owed = new Presence(Event.USER_LEFT, user, change);
      sent.add(announcer.announce(roomId, owed, roster).onFailure(err -> presence.add(roomId, owed)));
    }
    return Future.join(sent).mapEmpty();
  }

  /**
   * Who peers show in the room: those its latest presence event (among its last {@link #OWED_LOOKBACK}
   * events) names; everyone when there is none, or it cannot be read. A user that event no longer
   * names is shown gone already, as when another node's leave of their last connection emptied the
   * room and said so.
   */
  @Override
  public Future<Predicate<String>> shown(String roomId) {
    return events.last(roomId, OWED_LOOKBACK)
      .map(slice -> slice.latest(event -> Event.USER_JOINED.equals(event) || Event.USER_LEFT.equals(event)))
      .transform(read -> Future.succeededFuture(read.succeeded() && read.result() != null
        ? userId -> shows(read.result(), userId) : userId -> true));
  }

  private static boolean shows(JsonObject presenceEvent, String userId) {
    JsonObject data = presenceEvent.getJsonObject("data");
    JsonArray participants = data == null ? null : data.getJsonArray(PARTICIPANTS);
    return participants == null || participants.stream()
      .anyMatch(p -> p instanceof JsonObject participant && userId.equals(participant.getString("userId")));
  }

  /**
   * Hands the presence events still waiting for the store to other nodes when this node stops (its
   * own leaves while the store is down are among them): each goes on its own, and once more (to the
   * next node) if the first does not take it; that node sends it once the store takes it. Those no
   * other node takes (there is none) are lost, and counted in the log.
   */
  Future<Void> handOffRefused(EventBus eventBus, long timeoutMs) {
    return presence.takeAll().compose(waiting -> {
      List<Future<Object>> handed = new ArrayList<>();
      for (Map.Entry<String, Presence> entry : waiting) {
        JsonObject body = entry.getValue().toJson().put("roomId", entry.getKey());
        DeliveryOptions options = new DeliveryOptions().setSendTimeout(timeoutMs);
        handed.add(eventBus.request(Address.PRESENCE_HANDOFF, body, options)
          .recover(err -> eventBus.request(Address.PRESENCE_HANDOFF, body, options)).mapEmpty());
      }
      return Future.join(handed).transform(ar -> {
        long lost = handed.stream().filter(Future::failed).count();
        if (lost > 0) {
          LOG.warn("{} of {} presence events waiting for the store could not be handed to another node: lost",
            lost, waiting.size());
        } else if (!waiting.isEmpty()) {
          LOG.info("{} presence events waiting for the store handed to another node", waiting.size());
        }
        return Future.<Void>succeededFuture();
      });
    });
  }

  /**
   * Takes over a presence event a stopping node could not store ({@link Address#PRESENCE_HANDOFF}):
   * {@code {roomId, event, connection: {connId, userId, name, role, nodeId, joinedAt}, change}}.
   */
  Future<Boolean> takeOver(Message<JsonObject> message) {
    JsonObject body = message.body();
    String roomId = Fields.requiredId(body, "roomId", Fields.ROOM_ID);
    presence.add(roomId, Presence.fromJson(body));
    return Future.succeededFuture(true);
  }

  /** Sends the presence events the store refused before; runs every second. */
  Future<Void> announceRefused() {
    return presence.send()
      .onFailure(err -> LOG.debug("{} presence events still wait for the store: {}", presence.size(), err.toString()));
  }
}
