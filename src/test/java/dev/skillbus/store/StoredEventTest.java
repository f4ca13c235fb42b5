package dev.skillbus.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("An event kept in memory")
class StoredEventTest {

  @Test
  @DisplayName("with a participant list, from a few hundred bytes, is kept deflated and reads back as it was")
  void presenceEventDeflated() {
    JsonObject joined = presence(3);
    byte[] json = joined.toBuffer().getBytes();
    assertThat(json.length).isBetween(StoredEvent.DEFLATE_PRESENCE_FROM_BYTES, StoredEvent.DEFLATE_FROM_BYTES - 1);

    StoredEvent stored = StoredEvent.of(4, json, "p-4", StoredEvent.DEFLATE_PRESENCE_FROM_BYTES, 1000);
    assertThat(stored.bytes().length).isLessThan(json.length / 2);
    assertThat(stored.jsonSize()).isEqualTo(json.length);
    assertThat(stored.envelope()).isEqualTo(joined);
  }

  @Test
  @DisplayName("of another kind is kept as it is under 1 KB, and deflated from there")
  void otherEvents() {
    JsonObject message = new JsonObject().put("event", "message").put("seq", 5).put("data", new JsonObject()
      .put("text", "x".repeat(600)));
    byte[] json = message.toBuffer().getBytes();
    StoredEvent stored = StoredEvent.of(5, json, null, StoredEvent.DEFLATE_FROM_BYTES, 1000);
    assertThat(stored.bytes()).isSameAs(json);
    assertThat(stored.envelope()).isEqualTo(message);

    JsonObject longer = message.copy().put("data", new JsonObject().put("text", "y".repeat(2000)));
    StoredEvent deflated = StoredEvent.of(6, longer.toBuffer().getBytes(), null, StoredEvent.DEFLATE_FROM_BYTES, 1000);
    assertThat(deflated.bytes().length).isLessThan(StoredEvent.DEFLATE_FROM_BYTES);
    assertThat(deflated.envelope()).isEqualTo(longer);
  }

  @Test
  @DisplayName("of presence is kept as it is under 256 bytes, and deflated from 256 bytes on")
  void presenceThreshold() {
    JsonObject left = new JsonObject().put("event", "user-left").put("data", new JsonObject().put("userId", "u1"));
    JsonObject under = sized(left, StoredEvent.DEFLATE_PRESENCE_FROM_BYTES - 1);
    JsonObject at = sized(left, StoredEvent.DEFLATE_PRESENCE_FROM_BYTES);
    byte[] underJson = under.toBuffer().getBytes();
    byte[] atJson = at.toBuffer().getBytes();
    assertThat(underJson.length).isEqualTo(StoredEvent.DEFLATE_PRESENCE_FROM_BYTES - 1);
    assertThat(atJson.length).isEqualTo(StoredEvent.DEFLATE_PRESENCE_FROM_BYTES);

    assertThat(StoredEvent.of(7, underJson, "p-7", StoredEvent.DEFLATE_PRESENCE_FROM_BYTES, 1000).bytes()).isSameAs(underJson);
    StoredEvent deflated = StoredEvent.of(8, atJson, "p-8", StoredEvent.DEFLATE_PRESENCE_FROM_BYTES, 1000);
    assertThat(deflated.bytes().length).isLessThan(atJson.length);
    assertThat(deflated.envelope()).isEqualTo(at);
  }

  /** The event padded to this length as JSON. */
  private static JsonObject sized(JsonObject event, int length) {
    JsonObject padded = event.copy().put("pad", "");
    return padded.put("pad", "a".repeat(length - padded.toBuffer().length()));
  }

  private static JsonObject presence(int participants) {
    JsonArray list = new JsonArray();
    for (int i = 0; i < participants; i++) {
      list.add(new JsonObject().put("userId", "u" + i).put("name", "User " + i).put("role", "learner")
        .put("isActive", true).putNull("cursor").put("joinedAt", "2026-11-24T04:25:20.800Z"));
    }
    return new JsonObject().put("event", "user-joined").put("room", "r1").put("seq", 4)
      .put("epoch", "de63aa45-7f03-42d8-b093-1e2cf4cb6170").put("ts", "2026-11-24T04:25:20.842Z")
      .put("data", new JsonObject().put("userId", "u2").put("name", "User 2").put("role", "learner")
        .put("participants", list));
  }
}
