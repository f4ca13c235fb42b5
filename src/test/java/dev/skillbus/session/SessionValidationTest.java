package dev.skillbus.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.ClusterNode;
import dev.skillbus.protocol.Address;
import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.Header;
import dev.skillbus.protocol.Inbound;
import dev.skillbus.store.InMemoryRoomHistory;
import dev.skillbus.testing.Nodes;
import dev.skillbus.testing.TestConnection;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every refusal has its code, and a refused request changes neither membership nor history. */
@ExtendWith(VertxExtension.class)
@DisplayName("Refused session requests")
class SessionValidationTest {

  private static final String ROOM = "guarded-room";
  private static final Nodes NODES = new Nodes("session-validation-test", 5830);
  private static ClusterNode node;
  private static InMemoryRoomHistory history;
  private static TestConnection member;
  private static TestConnection outsider;
  private static List<Participant> participantsBefore;

  /** Who sends the request. */
  enum Sender { MEMBER, OUTSIDER, NO_CONNECTION_ID, NO_IDENTITY }

  @BeforeAll
  static void deploy() {
    node = NODES.start().await();
    history = new InMemoryRoomHistory(100, 3600);
    node.vertx().deployVerticle(new SessionVerticle(node.hazelcast(), history),
      new DeploymentOptions().setConfig(new JsonObject())).await();
    member = new TestConnection(node.vertx(), "alice", "Alice", "learner");
    outsider = new TestConnection(node.vertx(), "carol", "Carol", "learner");
    member.request(Inbound.SESSION_JOIN.address(), new JsonObject().put("sessionId", ROOM)).await();
    participantsBefore = participants();
  }

  @AfterAll
  static void close() {
    NODES.closeAll().await();
  }

  private static List<Participant> participants() {
    RoomState state = node.hazelcast().<String, RoomState>getMap(RoomRegistry.ROOMS).get(ROOM);
    return state == null ? List.of() : state.participants();
  }

  static Stream<Arguments> refusals() {
    String join = Inbound.SESSION_JOIN.address();
    String cursor = Inbound.SESSION_CURSOR.address();
    String message = Inbound.SESSION_MESSAGE.address();
    String history = Inbound.SESSION_HISTORY.address();
    String activity = Inbound.SESSION_ACTIVITY.address();
    JsonObject room = new JsonObject().put("sessionId", ROOM);
    return Stream.of(
      refused("a join without sessionId", Sender.OUTSIDER, join, new JsonObject(), 400),
      refused("a join whose sessionId has a space", Sender.OUTSIDER, join, new JsonObject().put("sessionId", "a b"), 400),
      refused("a join whose sessionId is a number", Sender.OUTSIDER, join, new JsonObject().put("sessionId", 5), 400),
      refused("a join with a name over 100 characters", Sender.OUTSIDER, join, room.copy().put("name", "n".repeat(101)), 400),
      refused("a join with a name that is not a string", Sender.OUTSIDER, join, room.copy().put("name", 5), 400),
      refused("a join with an unknown role", Sender.OUTSIDER, join, room.copy().put("role", "wizard"), 400),
      refused("a join with a role above one's own", Sender.OUTSIDER, join, room.copy().put("role", "admin"), 403),
      refused("a join with a negative since", Sender.OUTSIDER, join, room.copy().put("since", -1), 400),
      refused("a join with a fractional since", Sender.OUTSIDER, join, room.copy().put("since", 1.5), 400),
      refused("a join with since as a string", Sender.OUTSIDER, join, room.copy().put("since", "3"), 400),
      refused("a join with an epoch that is not a string", Sender.OUTSIDER, join, room.copy().put("epoch", 7), 400),
      refused("a join with a blank epoch", Sender.OUTSIDER, join, room.copy().put("since", 0).put("epoch", ""), 400),
      refused("a history request with a blank epoch", Sender.MEMBER, history, room.copy().put("since", 0).put("epoch", " "), 400),
      refused("a join without a connection id", Sender.NO_CONNECTION_ID, join, room, 400),
      refused("a join without a verified identity", Sender.NO_IDENTITY, join, room, 401),
      refused("a leave without sessionId", Sender.MEMBER, Inbound.SESSION_LEAVE.address(), new JsonObject(), 400),
      refused("a leave without a connection id", Sender.NO_CONNECTION_ID, Inbound.SESSION_LEAVE.address(), room, 400),
      refused("a cursor without line", Sender.MEMBER, cursor, room.copy().put("column", 1), 400),
      refused("a cursor with a negative line", Sender.MEMBER, cursor, room.copy().put("line", -1).put("column", 1), 400),
      refused("a cursor with a column over 10 000 000", Sender.MEMBER, cursor,
        room.copy().put("line", 1).put("column", 10_000_001), 400),
      refused("a cursor with a fractional line", Sender.MEMBER, cursor, room.copy().put("line", 1.5).put("column", 1), 400),
      refused("a cursor with line as a string", Sender.MEMBER, cursor, room.copy().put("line", "1").put("column", 1), 400),
      refused("a cursor from a connection not in the room", Sender.OUTSIDER, cursor,
        room.copy().put("line", 1).put("column", 1), 403),
      refused("an activity without isActive", Sender.MEMBER, activity, room, 400),
      refused("an activity with isActive as a string", Sender.MEMBER, activity, room.copy().put("isActive", "no"), 400),
      refused("an activity from a connection not in the room", Sender.OUTSIDER, activity,
        room.copy().put("isActive", false), 403),
      refused("a message without text", Sender.MEMBER, message, room, 400),
      refused("a message with blank text", Sender.MEMBER, message, room.copy().put("text", "  "), 400),
      refused("a message with text over 4000 characters", Sender.MEMBER, message, room.copy().put("text", "t".repeat(4001)), 400),
      refused("a message whose text is not a string", Sender.MEMBER, message, room.copy().put("text", 5), 400),
      refused("a message with data over 16 KB", Sender.MEMBER, message,
        room.copy().put("text", "hi").put("data", new JsonObject().put("blob", "d".repeat(16 * 1024))), 413),
      refused("a message with a large array as data", Sender.MEMBER, message,
        room.copy().put("text", "hi").put("data", bigArray()), 413),
      refused("a message whose data holds half of a surrogate pair", Sender.MEMBER, message,
        room.copy().put("text", "hi").put("data", new JsonObject().put("list", new JsonArray().add("ok").add("x\ud83d"))), 400),
      refused("a message whose data has a key holding half of a surrogate pair", Sender.MEMBER, message,
        room.copy().put("text", "hi").put("data", new JsonObject().put("k\udc00", 1)), 400),
      refused("a message from a connection not in the room", Sender.OUTSIDER, message, room.copy().put("text", "hi"), 403),
      refused("a history request without since", Sender.MEMBER, history, room, 400),
      refused("a history request with a negative since", Sender.MEMBER, history, room.copy().put("since", -2), 400),
      refused("a history request with limit 0", Sender.MEMBER, history, room.copy().put("since", 0).put("limit", 0), 400),
      refused("a history request with limit over 1000", Sender.MEMBER, history,
        room.copy().put("since", 0).put("limit", 1001), 400),
      refused("a history request with a fractional limit", Sender.MEMBER, history,
        room.copy().put("since", 0).put("limit", 2.5), 400),
      refused("a history request with limit as a string", Sender.MEMBER, history,
        room.copy().put("since", 0).put("limit", "5"), 400),
      refused("a history request from a connection not in the room", Sender.OUTSIDER, history,
        room.copy().put("since", 0), 403),
      refused("a connection-closed notice without connId", Sender.NO_IDENTITY, Address.CONNECTION_CLOSED, new JsonObject(), 400));
  }

  private static JsonArray bigArray() {
    JsonArray array = new JsonArray();
    for (int i = 0; i < 4000; i++) {
      array.add(i * 1000);
    }
    return array;
  }

  private static Arguments refused(String what, Sender sender, String address, JsonObject body, int code) {
    return Arguments.of(what, sender, address, body, code);
  }

  private static Future<Object> send(Sender sender, String address, JsonObject body) {
    DeliveryOptions options = switch (sender) {
      case MEMBER -> member.options();
      case OUTSIDER -> outsider.options();
      case NO_CONNECTION_ID -> { DeliveryOptions o = outsider.options(); o.getHeaders().remove(Header.CONN_ID); yield o; }
      case NO_IDENTITY -> new DeliveryOptions().setLocalOnly(true).addHeader(Header.CONN_ID, "conn-anonymous");
    };
    return node.vertx().eventBus().request(address, body, options).map(reply -> reply.body());
  }

  @ParameterizedTest(name = "{0} is refused with {4}")
  @MethodSource("refusals")
  @DisplayName("a malformed or forbidden request is refused with its code")
  void refused(String what, Sender sender, String address, JsonObject body, int code, VertxTestContext ctx) {
    send(sender, address, body).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertThat(ErrorCode.of(err).code()).as(what).isEqualTo(code);
      ctx.completeNow();
    })));
  }

  @AfterEach
  void nothingChanged() {
    assertThat(participants()).isEqualTo(participantsBefore);
    assertThat(history.position(ROOM).await().seq()).isEqualTo(1L);
  }
}
