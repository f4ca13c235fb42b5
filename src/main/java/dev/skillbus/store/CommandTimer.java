package dev.skillbus.store;

/** Told how long each store command took (metrics); called on whatever thread completed it. */
@FunctionalInterface
public interface CommandTimer {

  /** Ignores every command. */
  CommandTimer NONE = (nanos, succeeded) -> { };

  void record(long nanos, boolean succeeded);
}
