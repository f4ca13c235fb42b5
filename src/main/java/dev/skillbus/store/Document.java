package dev.skillbus.store;

import io.vertx.core.json.JsonObject;

/**
 * A stored JSON value and its version. The version starts at 1 and grows by one with every write,
 * so a writer that read version {@code n} can ask for its write to apply only if nobody wrote since.
 */
public record Document(String id, long version, JsonObject value) {
}
