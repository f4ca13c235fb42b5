package dev.skillbus.course;

import static dev.skillbus.testing.Servers.await;

import dev.skillbus.Skillbus;
import dev.skillbus.testing.Servers;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/** A node of its own cluster whose courses and chats are written by a {@link FakeOpenAi}; closed together. */
record OpenAiNode(Vertx vertx, FakeOpenAi fake, Skillbus node) {

  /** {@code course} is the node's course config; the generator and the endpoint's URL are set here. */
  static OpenAiNode start(String clusterName, int clusterPort, JsonObject course) throws Exception {
    Vertx vertx = Vertx.vertx();
    FakeOpenAi fake = new FakeOpenAi();
    int port = await(fake.start(vertx));
    JsonObject openai = course.getJsonObject("openai", new JsonObject()).copy()
      .put("baseUrl", "http://127.0.0.1:" + port + "/v1/");
    JsonObject config = Servers.config(clusterName, clusterPort, clusterPort, clusterPort)
      .put("course", course.copy().put("generator", "openai").put("openai", openai));
    return new OpenAiNode(vertx, fake, Servers.start(config));
  }

  void close() throws Exception {
    node.close().await(30, TimeUnit.SECONDS);
    fake.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
