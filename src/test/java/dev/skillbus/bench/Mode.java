package dev.skillbus.bench;

/**
 * What the senders do, as in the side-by-side generator ({@code ../shared/bench/loadgen.js}).
 * {@code cursor}: every member moves its cursor; the other members receive each move.
 * {@code chat}: the first member of each room sends messages; every member, sender included,
 * receives each one.
 */
enum Mode {
  CURSOR, CHAT;

  static Mode parse(String name) {
    for (Mode mode : values()) {
      if (mode.name().equalsIgnoreCase(name)) {
        return mode;
      }
    }
    throw new IllegalArgumentException("--mode must be cursor or chat, not " + name);
  }

  /** Whether connection {@code index} sends, in rooms of {@code size}. */
  boolean sends(int index, int size) {
    return this == CURSOR || index % size == 0;
  }

  /** The sender's place in the list of senders: it sets the sender's phase within the period. */
  int slot(int index, int size) {
    return this == CURSOR ? index : index / size;
  }

  /** How many members receive each send. */
  int fanout(int size) {
    return this == CURSOR ? size - 1 : size;
  }

  String label() {
    return name().toLowerCase();
  }
}
