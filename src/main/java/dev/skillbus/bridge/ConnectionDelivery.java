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
 * drain, and answered with whether its transport wrote it, all within that time (see
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
    // Written only once it can be, and answered only once the transport wrote it, all within waitMs:
    // a batch of them then stays within its lease. Past the deadline the event is not written, so
    // the caller, which keeps it, does not send it twice; one written but not yet confirmed by then
    // is kept all the same, and may arrive twice.
    Promise<Boolean> answer = Promise.promise();
    long timer = vertx.setTimer(waitMs, id -> answer.tryComplete(false));
    member.writable().onComplete(writable -> {
      if (answer.future().isComplete() || writable.failed() || !writable.result()) {
        answer.tryComplete(false);
        return;
      }
      rooms.deliverConfirmed(address, member, envelope).onComplete(written -> answer.tryComplete(written.succeeded() && written.result()));
    });
    answer.future().onComplete(ar -> {
      vertx.cancelTimer(timer);
      message.reply(ar.result());
    });
  }
}
