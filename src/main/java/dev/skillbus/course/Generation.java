package dev.skillbus.course;

/**
 * What a {@link CourseGenerator} sees of the job it works for: the request, and where to report
 * its steps. Reports become {@code course_generation_update} events in the session's room.
 */
public interface Generation {

  CourseRequest request();

  /** A line of the generator's log ({@code type: log}). */
  void log(String message);

  /** A step done: {@code type: progress} with {@code {step, totalSteps, percent}}. */
  void progress(int step, int totalSteps, String message);

  /** True once the job stopped: the generator should do no more work. */
  boolean stopped();

  /** Runs {@code cleanup} once when the job stops before the generator finished (at once if it has). */
  void onStop(Runnable cleanup);
}
