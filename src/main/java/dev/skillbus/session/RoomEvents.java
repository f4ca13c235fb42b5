package dev.skillbus.session;

import dev.skillbus.ops.Metrics;
import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.Envelope;
import dev.skillbus.protocol.Internal;
import dev.skillbus.protocol.Outbound;
import dev.skillbus.store.RoomHistory;
import dev.skillbus.store.RoomHistory.HistorySlice;
import dev.skillbus.store.RoomHistory.Page;
import dev.skillbus.store.RoomHistory.PresenceAppend;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/**
 * Sending room events: durable ones go through the room's history (which gives them their seq)
 * before they are published, presence events only in the order of their membership version (see
 * {@link PresenceAnnouncer}); volatile ones are published as they are. Every use of a room's history
 * is noted with the sweeper, which forgets it once the room is idle. Each event is counted by name.
 * History is read at most a page at a time, so that no reply grows with the room's history.
 */
final class RoomEvents implements PresenceAnnouncer.Store {

  private final EventBus eventBus;
  private final RoomHistory history;
  private final RoomSweeper sweeper;
  private final Metrics metrics;
  private final Page page;
  /**
   * A room's appends on this node, presence events among them, each started once the one before it
   * is done (stored and published, or failed): a store on another host (Redis, over a pool of
   * connections) takes concurrent appends in any order and answers them in any order, so without
   * this, messages a client sends back to back could get their seqs in another order than sent, and
   * events could reach the room in another order than their seqs (a client that drops a seq not
   * greater than the last it processed would drop the earlier one).
   */
  private final InTurn appending = new InTurn();

  RoomEvents(EventBus eventBus, RoomHistory history, RoomSweeper sweeper, Metrics metrics, Page page) {
    this.eventBus = eventBus;
    this.history = history;
    this.sweeper = sweeper;
    this.metrics = metrics;
    this.page = page;
  }

  /** Appends a durable event to the room's history, then publishes it; the stored envelope. */
  @Override
  public Future<JsonObject> durable(String roomId, String event, JsonObject data) {
    sweeper.touch(roomId);
    return appending.run(roomId, () -> history.append(roomId, event, data).onSuccess(envelope -> publish(roomId, event, envelope)));
  }

  /**
   * Appends a presence event of the room's membership {@code version} unless the history holds one
   * of a higher version (see {@link RoomHistory#appendPresence}), and publishes it once stored, in
   * turn with the room's other appends. One the history holds already ({@code id}) is published as
   * it was stored, with its seq: its append was made, but whoever made it did not learn so, and did
   * not publish it.
   */
  @Override
  public Future<PresenceAppend> presence(String roomId, String event, JsonObject data, long version, String id) {
    sweeper.touch(roomId);
    return appending.run(roomId, () -> history.appendPresence(roomId, event, data, version, id).onSuccess(result -> {
      if (result.stored()) {
        publish(roomId, event, result.envelope());
      }
    }));
  }

  private void publish(String roomId, String event, JsonObject envelope) {
    metrics.event(event);
    Outbound.publish(eventBus, Address.room(roomId), envelope);
  }

  /** Publishes a volatile event; {@code originConn} does not get its echo. */
  void volatileEvent(String roomId, String event, JsonObject data, String originConn) {
    metrics.event(event);
    Outbound.publishVolatile(eventBus, Address.room(roomId), Envelope.of(event, roomId, data), originConn);
  }

  /** Sends a volatile event to one connection of this node, as if on the room's address. */
  void toConnection(String connId, String roomId, String event, JsonObject data) {
    metrics.event(event);
    Outbound.deliverToConnection(eventBus, connId, Address.room(roomId), Envelope.of(event, roomId, data));
  }

  /** Tells this node's services that a connection joined the room (a course session greets it). */
  void joined(String connId, String roomId, String userId) {
    eventBus.publish(Address.ROOM_JOINED, new JsonObject().put("connId", connId).put("roomId", roomId)
      .put("userId", userId), new DeliveryOptions().setLocalOnly(true));
  }

  /** The status of the course session whose room this is, from this node's course part; else null. */
  Future<JsonObject> courseStatus(String roomId) {
    return Internal.courseStatus(eventBus, roomId);
  }

  Future<HistorySlice> position(String roomId) {
    sweeper.touch(roomId);
    return history.position(roomId);
  }

  /** The first page of the events after {@code since}. */
  Future<HistorySlice> since(String roomId, long since, String epoch) {
    return since(roomId, since, epoch, page.maxEvents());
  }

  /** The room's last {@code count} events, whatever their size (see {@link RoomHistory#last}). */
  Future<HistorySlice> last(String roomId, int count) {
    return history.last(roomId, count);
  }

  /** The first page of the events after {@code since}, of at most {@code limit} events. */
  Future<HistorySlice> since(String roomId, long since, String epoch, int limit) {
    sweeper.touch(roomId);
    return history.since(roomId, since, epoch, page.atMost(limit));
  }
}
