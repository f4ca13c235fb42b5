package dev.skillbus.bridge;

import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.Fields;
import dev.skillbus.protocol.Internal;
import dev.skillbus.protocol.Outbound;
import dev.skillbus.protocol.Requests;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Events for one connection of this node ({@link Address#DELIVER_TO_CONNECTION}), as if received on
 * an address it is registered on. A request with {@code waitMs} is paced: the event is written once
 * the connection's socket can take it within its buffer, after waiting at most that long for it to
 * drain, and answered with whether its transport wrote it, all within that time (see
 * {@link BridgeSocket#writeConfirmed}). Sent one after the other, any number of events
 * (a user's queued notifications) reach a connection that reads, which a burst of them would put
 * past {@code slowSocketMaxBytes} and close. And a user's notification for every connection of this
 * node on {@code user.<userId>}, at this node's own address for the whole cluster ({@link
 * Outbound#deliverToUserOn}), answered with to how many the transport wrote it in time.
 */
final class ConnectionDelivery {

  /** How long a notification for a user's connections waits for their transports when its sender does not say. */
  private static final long DEFAULT_WAIT_MS = 1000;

  private final Vertx vertx;
  private final LocalRooms rooms;

  ConnectionDelivery(Vertx vertx, LocalRooms rooms) {
    this.vertx = vertx;
    this.rooms = rooms;
  }

  /** The node-local consumer of events for one connection, and the one of notifications for a user's connections. */
  List<MessageConsumer<JsonObject>> serve(String nodeId) {
    return List.of(vertx.eventBus().localConsumer(Address.DELIVER_TO_CONNECTION, this::deliver),
      // Cluster-wide at this node's own address: the sender must learn whether a live node wrote it.
      vertx.eventBus().consumer(Address.userDelivery(nodeId), message -> Requests.serve(message, this::deliverToUser)));
  }

  /**
   * {@code {userId, envelope, waitMs}} ({@link Outbound#deliverToUserOn}): written to each connection
   * of this node registered on {@code user.<userId>}, and answered with to how many of them the
   * transport wrote it within {@code waitMs}: a connection whose transport does not write it (an XHR
   * session whose tab closed, no longer polling) does not count, and the sender queues it instead.
   */
  private Future<Integer> deliverToUser(Message<JsonObject> message) {
    String userId = Fields.requiredId(message.body(), Internal.USER_ID, Fields.USER_ID);
    JsonObject envelope = message.body().getJsonObject(Outbound.ENVELOPE);
    if (envelope == null) {
      throw Fields.bad("'envelope' is required");
    }
    String address = Address.user(userId);
    Buffer frame = envelope.toBuffer();
    List<Future<Boolean>> writes = rooms.members(address).stream()
      .map(member -> rooms.deliverConfirmed(address, member, frame)).toList();
    if (writes.isEmpty()) {
      return Future.succeededFuture(0);
    }
    Promise<Integer> answer = Promise.promise();
    long waitMs = Math.max(1, message.body().getLong(Outbound.WAIT_MS, DEFAULT_WAIT_MS));
    long timer = vertx.setTimer(waitMs, id -> answer.tryComplete(written(writes)));
    Future.join(writes).onComplete(all -> {
      vertx.cancelTimer(timer);
      answer.tryComplete(written(writes));
    });
    return answer.future();
  }

  private static int written(List<Future<Boolean>> writes) {
    return (int) writes.stream().filter(write -> write.succeeded() && write.result()).count();
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
