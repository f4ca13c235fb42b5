package dev.skillbus.store;

import io.vertx.core.json.JsonObject;

/**
 * What a node's store is and whether it can be used now. Reading it never calls the store: the
 * Redis link keeps its state up to date by itself.
 */
public interface StoreHealth {

  /** {@code memory} or {@code redis}. */
  String type();

  /** False while the store cannot be reached: durable operations then fail with 503. */
  boolean up();

  /** {@code {"type": "redis", "redis": "up"|"down"}} or {@code {"type": "memory"}}. */
  JsonObject toJson();

  /** The in-memory store, always up. */
  static StoreHealth memory() {
    return new StoreHealth() {
      @Override
      public String type() {
        return "memory";
      }

      @Override
      public boolean up() {
        return true;
      }

      @Override
      public JsonObject toJson() {
        return new JsonObject().put("type", type());
      }
    };
  }
}
