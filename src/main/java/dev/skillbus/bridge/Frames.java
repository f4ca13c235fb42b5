package dev.skillbus.bridge;

import dev.skillbus.protocol.ErrorCode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/**
 * Bridge frames as Vert.x's own SockJS bridge writes them, so that any bridge client (the official
 * {@code @vertx/eventbus-bridge-client.js} included) reads them unchanged.
 */
final class Frames {

  private static final Buffer SUFFIX = Buffer.buffer("}");

  private Frames() {
  }

  /**
   * The constant head of every {@code rec} frame on one address; the frame is this head, the body's
   * JSON bytes and {@link #recSuffix()}. Built once per subscription so a room event is wrapped
   * without decoding or re-encoding its body.
   */
  static Buffer recPrefix(String address) {
    return Buffer.buffer("{\"type\":\"rec\",\"address\":" + Json.encode(address) + ",\"body\":");
  }

  static Buffer recSuffix() {
    return SUFFIX;
  }

  /** A complete {@code rec} frame: a reply or a message for one socket. */
  static Buffer rec(String address, Object body) {
    return new JsonObject().put("type", "rec").put("address", address).put("body", body).toBuffer();
  }

  /**
   * The {@code body} of an {@code err} frame refusing a frame with this code: Vert.x's bridge's
   * {@code access_denied} for 401 and 403, a name of the code's own for the others.
   */
  static String reasonOf(ErrorCode code) {
    return switch (code) {
      case UNAUTHENTICATED, FORBIDDEN -> "access_denied";
      case BAD_REQUEST -> "invalid_frame";
      case NOT_FOUND -> "not_found";
      case CONFLICT -> "conflict";
      case TOO_LARGE -> "too_large";
      case RATE_LIMITED -> "rate_limited";
      case INTERNAL -> "internal_error";
      case UNAVAILABLE -> "unavailable";
    };
  }

  /**
   * An {@code err} frame. With an address (a reply address, or the address of a refused
   * {@code register}), the client's handler for it sees the failure; without one it is global.
   * {@code body} keeps the short reason Vert.x's bridge sends ({@code access_denied}, …).
   */
  static Buffer err(String address, ErrorCode code, String failureType, String message, String reason) {
    JsonObject frame = new JsonObject().put("type", "err");
    if (address != null) {
      frame.put("address", address);
    }
    return frame.put("failureCode", code.code())
      .put("failureType", failureType)
      .put("message", message)
      .put("body", reason)
      .toBuffer();
  }
}
