package dev.skillbus.bridge;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/** Ending an HTTP answer the same way for GET and HEAD. */
final class Responses {

  private Responses() {
  }

  /**
   * Ends the answer with {@code text}, saying its length: a HEAD's answer has no body, but carries
   * the headers the GET's would, its length among them.
   */
  static void end(HttpServerResponse response, String text) {
    Buffer body = Buffer.buffer(text);
    response.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length())).end(body);
  }
}
