package dev.skillbus.course;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Builds a course for a {@link Generation}, streaming its steps through it. The course is a JSON
 * object of the shape {@link CourseShape} checks ({@code title, summary, modules[{title, objectives,
 * lessons[{title, outline}], quiz{questions[{question, options, answer}]}}]}); a generator that
 * cannot build one fails its future with a message that says why.
 *
 * <p>A generator never blocks an event loop. It may be stopped at any time (cancelled, past its time
 * limit, node shutting down): it then releases what it holds in the hook it gave
 * {@link Generation#onStop(Runnable)}, and whatever it reports afterwards is ignored.
 */
public interface CourseGenerator {

  /** The generator's name in config and status: {@code template}, {@code openai}. */
  String name();

  /** Builds the course; the future holds it, or the reason it could not be built. */
  Future<JsonObject> generate(Generation generation);
}
