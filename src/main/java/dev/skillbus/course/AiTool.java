package dev.skillbus.course;

import io.vertx.core.Future;
import java.util.function.Consumer;

/**
 * A tool an {@code ai.request} names by its id: it answers a message with text, reporting its
 * steps as it goes (each a {@code status_update}). It never blocks an event loop, and fails with a
 * message that says what went wrong.
 */
interface AiTool {

  /** The id requests use: letters, digits, {@code _} and {@code -}. */
  String id();

  /** What the tool does, for listings. */
  String description();

  /**
   * Nothing when the tool can take {@code message}, else a {@link dev.skillbus.protocol.ProtocolException}
   * (400) saying what it takes: checked before the request is accepted. Every message by default.
   */
  default void check(String message) {
  }

  /**
   * Answers {@code message}; {@code status} takes a line for each step; {@code onStop} takes a hook
   * that aborts the tool's work, run when the request ends before the tool answered (its time limit).
   */
  Future<String> run(String message, Consumer<String> status, Consumer<Runnable> onStop);
}
