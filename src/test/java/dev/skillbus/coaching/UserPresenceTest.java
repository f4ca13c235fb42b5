package dev.skillbus.coaching;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skillbus.testing.LogCapture;
import io.vertx.core.Completable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.spi.cluster.ClusteredNode;
import io.vertx.core.spi.cluster.NodeInfo;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Where a user receives")
class UserPresenceTest {

  /** A cluster whose member holding the subscriptions hangs: its lookups never answer. */
  static final class Hanging implements ClusteredNode {
    @Override
    public String getNodeId() {
      return "self";
    }

    @Override
    public void getRegistrations(String address, Completable<List<RegistrationInfo>> promise) {
    }

    @Override
    public NodeInfo getNodeInfo() {
      return null;
    }

    @Override
    public void getNodeInfo(String nodeId, Completable<NodeInfo> promise) {
    }

    @Override
    public List<String> getNodes() {
      return List.of("self", "other");
    }
  }

  @Test
  @DisplayName("asks every node when the lookup runs late, and says so in one line per period, with how many others were late meanwhile")
  void lateLookupsLoggedOncePerPeriod(Vertx vertx) throws Exception {
    UserPresence presence = new UserPresence(new Hanging(), vertx.getOrCreateContext(), 500);
    try (LogCapture log = new LogCapture()) {
      List<Future<List<String>>> lookups = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        lookups.add(presence.nodes("u" + i, 5));
      }
      Future.all(lookups).await(10, TimeUnit.SECONDS);
      assertThat(lookups).allSatisfy(lookup -> assertThat(lookup.result()).containsExactly("self", "other"));
      assertThat(log.linesOf(UserPresence.class)).hasSize(1).first().asString()
        .startsWith("Where user u0 receives is not known").endsWith("every node is asked");
      // Once the period is over, the next late lookup is said, with the 19 that were not.
      vertx.timer(500).await(10, TimeUnit.SECONDS);
      presence.nodes("late", 5).await(10, TimeUnit.SECONDS);
      assertThat(log.linesOf(UserPresence.class)).hasSize(2).last().asString()
        .startsWith("Where user late receives is not known")
        .endsWith("every node is asked; so it was for 19 other lookups since the last such line");
    }
  }
}
