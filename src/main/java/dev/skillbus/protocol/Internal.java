package dev.skillbus.protocol;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Requests one part of a node makes to another over the event bus, never reachable from a browser:
 * their bodies' field names and the calls that build them. All of them go to the verticle of the
 * calling node ({@code localOnly}).
 */
public final class Internal {

  public static final String ROOM = "room";
  public static final String EVENT = "event";
  public static final String DATA = "data";
  public static final String PARTICIPANTS = "participants";
  public static final String USER_ID = "userId";
  public static final String CONN_ID = "connId";

  private Internal() {
  }

  /**
   * Appends a durable event to the room's history, which gives it the room's next {@code seq},
   * then publishes it on {@code room.<roomId>}: {@code {room, event, data}} to
   * {@link Address#ROOM_EVENT}. Completes with the stored envelope.
   */
  public static Future<JsonObject> roomEvent(EventBus eventBus, String roomId, String event, JsonObject data) {
    JsonObject body = new JsonObject().put(ROOM, roomId).put(EVENT, event).put(DATA, data);
    return eventBus.<JsonObject>request(Address.ROOM_EVENT, body, local()).map(reply -> reply.body());
  }

  /**
   * The room's participants, cluster-wide (empty when nobody is in it): {@code {room}} to
   * {@link Address#ROOM_PARTICIPANTS}, answered with {@code {room, participants}}.
   */
  public static Future<JsonArray> participants(EventBus eventBus, String roomId) {
    return eventBus.<JsonObject>request(Address.ROOM_PARTICIPANTS, new JsonObject().put(ROOM, roomId), local())
      .map(reply -> reply.body().getJsonArray(PARTICIPANTS));
  }

  /**
   * Connection {@code connId} of this node now receives on {@code user.<userId>}: {@code {userId,
   * connId}} to {@link Address#USER_REGISTERED}. Completes once what was queued for the user was
   * delivered to that connection (or put back), so that the connection's next reply comes after it.
   */
  public static Future<Void> userRegistered(EventBus eventBus, String userId, String connId, long timeoutMs) {
    JsonObject body = new JsonObject().put(USER_ID, userId).put(CONN_ID, connId);
    return eventBus.request(Address.USER_REGISTERED, body, local().setSendTimeout(timeoutMs)).mapEmpty();
  }

  private static DeliveryOptions local() {
    return new DeliveryOptions().setLocalOnly(true);
  }
}
