package dev.skillbus.course;

import java.util.Locale;

/** Where a generation job is: running, then exactly one of the three ends. */
enum JobStatus {
  RUNNING, COMPLETED, FAILED, CANCELLED;

  String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
