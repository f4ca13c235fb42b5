package dev.skillbus.bridge;

import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.Outbound;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

/**
 * Events for one connection of this node ({@link Address#DELIVER_TO_CONNECTION}), as if received on
 * an address it is registered on. A request with {@code waitMs} is paced: the event is written once
 * the connection's socket can take it within its buffer, after waiting at most that long for it to
 * drain, and answered with whether its transport wrote it, within as long again (see
 * {@link BridgeSocket#writeConfirmed}). Sent one after the other, any number of events
 * (a user's queued notifications) reach a connection that reads, which a burst of them would put
 * past {@code slowSocketMaxBytes} and close.
 */
final class ConnectionDelivery {

  private final Vertx vertx;
  private final LocalRooms rooms;

  ConnectionDelivery(Vertx vertx, LocalRooms rooms) {
    this.vertx = vertx;
    this.rooms = rooms;
  }

  MessageConsumer<JsonObject> serve() {
    return vertx.eventBus().localConsumer(Address.DELIVER_TO_CONNECTION, this::deliver);
  }

  private void deliver(Message<JsonObject> message) {
    JsonObject body = message.body();
    String address = body.getString(Outbound.ADDRESS);
    String connId = body.getString(Outbound.CONN_ID);
    Buffer envelope = body.getJsonObject(Outbound.ENVELOPE).toBuffer();
    Long waitMs = body.getLong(Outbound.WAIT_MS);
    if (waitMs == null) {
      message.reply(rooms.deliverTo(address, connId, envelope));
      return;
    }
    BridgeConnection member = rooms.member(address, connId);
    if (member == null) {
      message.reply(false);
      return;
    }
    // Written only once it can be, and answered only once the transport wrote it, both within waitMs.
    within(member.writable(), waitMs)
      .compose(writable -> writable ? within(rooms.deliverConfirmed(address, member, envelope), waitMs)
        : Future.succeededFuture(false))
      .onComplete(ar -> message.reply(ar.result()));
  }

  /**
   * What {@code answer} says, or false when it does not say within {@code waitMs} (then the caller
   * keeps the event: a frame not written yet is written later all the same, so it may arrive twice).
   */
  private Future<Boolean> within(Future<Boolean> answer, long waitMs) {
    if (answer.isComplete()) {
      return answer;
    }
    Promise<Boolean> bounded = Promise.promise();
    long timer = vertx.setTimer(waitMs, id -> bounded.tryComplete(false));
    answer.onComplete(ar -> {
      vertx.cancelTimer(timer);
      bounded.tryComplete(ar.succeeded() && ar.result());
    });
    return bounded.future();
  }
}
