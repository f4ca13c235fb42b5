package dev.skillbus.session;

import static dev.skillbus.session.SessionFields.NAME;
import static dev.skillbus.session.SessionFields.PARTICIPANTS;
import static dev.skillbus.session.SessionFields.ROLE;
import static dev.skillbus.session.SessionFields.USER;
import static dev.skillbus.session.SessionFields.USER_ID;

import dev.skillbus.store.RoomHistory.PresenceAppend;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores and publishes {@code user-joined} and {@code user-left} so that the room's history holds
 * them in the order of the membership changes, and its latest presence event (whose participants
 * every client shows) carries the latest list. A change is made in the room's state first and its
 * event stored after, by whichever node made it: two changes made in one order can reach the store
 * in the other. So each event carries its {@link Roster}'s version, and the history refuses one
 * lower than a version it holds; the room is then read again (at least at that version) and the
 * same event, same user, is stored with that list, unless that list says it no longer holds (the
 * user left, or came back, meanwhile: a later event says so). After {@link #ATTEMPTS} refusals (the
 * room changing all the while) it is stored with the latest list read at the version the history
 * holds, which raises nothing, and logged. Every attempt carries the event's {@link Presence#id()}, so
 * that the history stores it once however often it is sent (see {@link PresenceRetry}).
 */
final class PresenceAnnouncer {

  static final int ATTEMPTS = 5;
  private static final Logger LOG = LoggerFactory.getLogger(PresenceAnnouncer.class);

  /** Where presence events are stored and published from. */
  interface Store {

    /**
     * Stores and publishes the event unless the room's history holds a presence event of a higher
     * version, or holds this one ({@code id}) already: then it answers with that one as stored.
     */
    Future<PresenceAppend> presence(String roomId, String event, JsonObject data, long version, String id);

    /** Stores and publishes the event, unchecked. */
    Future<JsonObject> durable(String roomId, String event, JsonObject data);
  }

  /** Reads a room's roster with its version at least {@code atLeast}. */
  interface Reader {
    Future<Roster> roster(String roomId, long atLeast);
  }

  private final Reader reader;
  private final Store store;

  PresenceAnnouncer(Reader reader, Store store) {
    this.reader = reader;
    this.store = store;
  }

  /** Stores and publishes the presence event (user-joined or user-left), with {@code roster} or a later one. */
  Future<Void> announce(String roomId, Presence presence, Roster roster) {
    return attempt(roomId, presence, roster, 1);
  }

  private Future<Void> attempt(String roomId, Presence presence, Roster roster, int attempt) {
    String event = presence.event();
    String userId = presence.user().userId();
    JsonObject data = data(presence.user(), roster);
    return store.presence(roomId, event, data, roster.version(), presence.id()).compose(result -> {
      if (result.stored()) {
        return Future.succeededFuture();
      }
      if (attempt == ATTEMPTS) {
        LOG.warn("{} of {} in room {} refused {} times, the room changing meanwhile (version {}, stored {}): "
          + "stored with the latest list read", event, userId, roomId, attempt, roster.version(), result.storedVersion());
        // At the version stored: taken unless a newer one came meanwhile, and a later event still goes after it.
        return store.presence(roomId, event, data, result.storedVersion(), presence.id())
          .compose(last -> last.stored() ? Future.succeededFuture() : store.durable(roomId, event, data).mapEmpty());
      }
      LOG.debug("{} of {} in room {} at version {} came after version {}: read the room again",
        event, userId, roomId, roster.version(), result.storedVersion());
      return reader.roster(roomId, result.storedVersion()).compose(fresh -> {
        if (!fresh.holds(event, userId)) {
          LOG.debug("{} of {} in room {} no longer holds: a later event says so, not stored", event, userId, roomId);
          return Future.succeededFuture();
        }
        return attempt(roomId, presence, fresh, attempt + 1);
      });
    });
  }

  /**
   * {@code {userId, name, role, user: {userId, name, role}, participants}}: {@code user} as the
   * Socket.IO back end sent it (its front ends read {@code data.user.name}); a user who left is no
   * longer among the participants.
   */
  private static JsonObject data(Connection user, Roster roster) {
    return new JsonObject().put(USER_ID, user.userId()).put(NAME, user.name()).put(ROLE, user.role())
      .put(USER, new JsonObject().put(USER_ID, user.userId()).put(NAME, user.name()).put(ROLE, user.role()))
      .put(PARTICIPANTS, roster.participantsJson());
  }
}
