package dev.skillbus.session;

import dev.skillbus.protocol.Event;
import dev.skillbus.store.RedisLink;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code user-joined} and {@code user-left} events this node could not store. A membership
 * change is made in the room's cluster-wide state before its event is stored, so when the store is
 * down the change stands and only its announcement is missing; nobody would send it again, and
 * peers would show a user who left until the room's next presence event. Each is kept here, per
 * room in the order the changes came, and sent once the store takes it again.
 *
 * <p>Only the latest change of a user in a room is kept (by its membership version, whatever order
 * the failures came in), and sent even when it undoes the one it
 * replaced: a store write that failed may have been made all the same (its answer timed out), so
 * peers may have the earlier event in the history, and only the later one tells them how things
 * stand. (When the earlier one was not made, the later one is news to nobody: a {@code user-joined}
 * of a participant peers already show, which changes nothing they show.) Before it is sent, an event is checked against the room's state as it is then (a user
 * who left and came back is not announced as gone) and carries the participants of that moment,
 * with their membership version, so that it is stored in order with the room's other presence
 * events (see {@link PresenceAnnouncer}). It keeps the id of its change, so that an event whose
 * store write was made although it failed (its answer timed out) is recognized as stored, not
 * stored twice.
 */
final class PresenceRetry {

  private static final Logger LOG = LoggerFactory.getLogger(PresenceRetry.class);

  /** Room → user → the user's change not yet announced, both in the order they came. */
  private final Map<String, LinkedHashMap<String, Waiting>> rooms = new LinkedHashMap<>();
  private final Function<String, Future<Roster>> rosters;
  private final Announcer announcer;
  /** Changes kept so far: one kept during a send makes that send read the room again. */
  private long added;
  /** The send under way, or the last one. */
  private Future<Void> sent = Future.succeededFuture();

  /** Stores and publishes one presence event with the given roster (or, see {@link PresenceAnnouncer}, a later one). */
  interface Announcer {
    Future<Void> announce(String roomId, Presence presence, Roster roster);
  }

  /** {@code rosters} reads a room's participants and membership version as they are now. */
  PresenceRetry(Function<String, Future<Roster>> rosters, Announcer announcer) {
    this.rosters = rosters;
    this.announcer = announcer;
  }

  /** Keeps a change whose event could not be stored, and may have been. */
  void add(String roomId, Presence presence) {
    add(roomId, presence, false);
  }

  /**
   * Keeps a change whose event could not be stored; {@code notSent}: surely not stored (the store
   * was down and nothing was sent). A user's leave that follows a join whose {@code user-joined} was
   * surely never stored, and is not being tried again right now, takes that join's place with
   * nothing: peers never saw the user come, so they are not told they left (the join a client was
   * told failed, taken back, as while the store was down).
   */
  void add(String roomId, Presence presence, boolean notSent) {
    added++;
    LinkedHashMap<String, Waiting> pending = rooms.computeIfAbsent(roomId, r -> new LinkedHashMap<>());
    String userId = presence.user().userId();
    Waiting kept = pending.get(userId);
    if (kept != null && kept.presence.change() > presence.change()) {
      return; // an older change handed over, or one whose failure came late
    }
    if (kept != null && kept.unsent && !kept.sending && Event.USER_JOINED.equals(kept.presence.event())
      && Event.USER_LEFT.equals(presence.event())) {
      pending.remove(userId);
      // What the join took the place of (the user's leave before it, say) is owed still.
      if (kept.before != null) {
        pending.put(userId, kept.before);
      }
      LOG.info("{} left room {} before its user-joined could be stored: neither is announced", userId, roomId);
      return;
    }
    // Removed first, so that the latest change takes the place of the user's earlier one in the order.
    pending.remove(userId);
    pending.put(userId, new Waiting(presence, notSent,
      notSent && Event.USER_JOINED.equals(presence.event()) ? kept : null));
  }

  /**
   * A change waiting to be announced: {@code unsent} while every attempt so far surely stored
   * nothing; {@code sending} while an attempt is under way (it may store it); {@code before}, what
   * such a join took the place of.
   */
  private static final class Waiting {
    private final Presence presence;
    private boolean unsent;
    private boolean sending;
    private final Waiting before;

    Waiting(Presence presence, boolean unsent, Waiting before) {
      this.presence = presence;
      this.unsent = unsent;
      this.before = before;
    }
  }

  /**
   * Once a send under way is done (what it announced is no longer waiting), takes every change
   * still waiting to be announced, room by room in the order they came.
   */
  Future<List<Map.Entry<String, Presence>>> takeAll() {
    return sent.transform(ar -> {
      List<Map.Entry<String, Presence>> all = new ArrayList<>();
      rooms.forEach((roomId, pending) -> pending.values().forEach(w -> all.add(Map.entry(roomId, w.presence))));
      rooms.clear();
      return Future.succeededFuture(all);
    });
  }

  /** How many changes wait to be announced. */
  int size() {
    return rooms.values().stream().mapToInt(Map::size).sum();
  }

  /**
   * Sends what waits, room by room; stops at the first event the store refuses, keeping it and what
   * follows for the next call. Does nothing while an earlier call is still sending.
   */
  Future<Void> send() {
    if (!sent.isComplete() || rooms.isEmpty()) {
      return Future.succeededFuture();
    }
    sent = sendRooms(new ArrayList<>(rooms.keySet()).iterator());
    return sent;
  }

  private Future<Void> sendRooms(Iterator<String> roomIds) {
    if (!roomIds.hasNext()) {
      return Future.succeededFuture();
    }
    String roomId = roomIds.next();
    return rosters.apply(roomId)
      .compose(roster -> sendRoom(roomId, roster))
      .compose(v -> sendRooms(roomIds));
  }

  private Future<Void> sendRoom(String roomId, Roster roster) {
    LinkedHashMap<String, Waiting> pending = rooms.get(roomId);
    if (pending == null || pending.isEmpty()) {
      rooms.remove(roomId);
      return Future.succeededFuture();
    }
    Waiting waiting = pending.values().iterator().next();
    Presence first = waiting.presence;
    String userId = first.user().userId();
    boolean stillTrue = roster.holds(first.event(), userId);
    long addedBefore = added;
    waiting.sending = stillTrue;
    Future<Void> sent = stillTrue
      ? announcer.announce(roomId, first, roster).onComplete(ar -> {
        waiting.sending = false;
        if (ar.failed() && !RedisLink.notSent(ar.cause())) {
          waiting.unsent = false; // this attempt may have stored it
        }
      })
      : Future.succeededFuture();
    return sent.compose(v -> {
      if (stillTrue) {
        LOG.info("{} of {} in room {} announced once the store took it", first.event(), userId, roomId);
      }
      // A change kept while this one was being sent (a newer one of this user, or another user's) is
      // checked against the room as it is after that change, not as it was before.
      pending.remove(userId, waiting);
      return added != addedBefore ? rosters.apply(roomId).compose(fresh -> sendRoom(roomId, fresh))
        : sendRoom(roomId, roster);
    });
  }
}
