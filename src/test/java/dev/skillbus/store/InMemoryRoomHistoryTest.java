package dev.skillbus.store;

import io.vertx.core.Vertx;
import java.time.Clock;
import org.junit.jupiter.api.DisplayName;

@DisplayName("InMemoryRoomHistory keeps the room history contract")
class InMemoryRoomHistoryTest extends RoomHistoryContractTest {

  @Override
  protected RoomHistory create(Vertx vertx, int maxEvents, long maxAgeSeconds, Clock clock) {
    return new InMemoryRoomHistory(maxEvents, maxAgeSeconds, clock);
  }
}
