package dev.skillbus.course;

/** Where a generation job is: running, then exactly one of the three ends. */
enum JobStatus {
  RUNNING, COMPLETED, FAILED, CANCELLED;

  String wire() {
    return name().toLowerCase();
  }

  static JobStatus of(String wire) {
    for (JobStatus status : values()) {
      if (status.wire().equals(wire)) {
        return status;
      }
    }
    return null;
  }
}
