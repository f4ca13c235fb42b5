package dev.skillbus.store;

import io.vertx.core.Vertx;
import java.time.Clock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;

@DisplayName("InMemoryRoomHistory keeps the room history contract")
class InMemoryRoomHistoryTest {

  static RoomHistory create(Vertx vertx, int maxEvents, long maxAgeSeconds, Clock clock) {
    return new InMemoryRoomHistory(maxEvents, maxAgeSeconds, clock);
  }

  @Nested
  class Reading extends RoomHistoryReadingContractTest {
    Reading() {
      super(InMemoryRoomHistoryTest::create);
    }
  }

  @Nested
  class Lifecycle extends RoomHistoryLifecycleContractTest {
    Lifecycle() {
      super(InMemoryRoomHistoryTest::create);
    }
  }

  @Nested
  class Presence extends RoomHistoryPresenceContractTest {
    Presence() {
      super(InMemoryRoomHistoryTest::create);
    }
  }
}
