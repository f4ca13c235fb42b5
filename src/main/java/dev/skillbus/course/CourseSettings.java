package dev.skillbus.course;

import io.vertx.core.json.JsonObject;

/**
 * The course verticle's configuration, read from its own config object ({@code course}); defaults
 * named here once. Times in seconds, except the template's pace and the OpenAI timeout (ms).
 */
record CourseSettings(String generator, long timeLimitSeconds, int maxJobsPerUser, int maxJobsPerNode,
                      long sessionTtlSeconds, long sweepIntervalSeconds, int maxTopicLength, long templatePaceMs,
                      AiRequests.AiLimits ai, OpenAiSettings openai) {

  static final String DEFAULT_GENERATOR = TemplateGenerator.NAME;
  static final long DEFAULT_TIME_LIMIT_SECONDS = 600;
  static final int DEFAULT_MAX_JOBS_PER_USER = 2;
  static final int DEFAULT_MAX_JOBS_PER_NODE = 20;
  static final long DEFAULT_SESSION_TTL_SECONDS = 3600;
  static final long DEFAULT_SWEEP_INTERVAL_SECONDS = 60;
  static final int DEFAULT_MAX_TOPIC_LENGTH = 200;
  static final long DEFAULT_TEMPLATE_PACE_MS = 300;
  static final int DEFAULT_AI_MAX_CONCURRENT_PER_USER = 3;
  static final int DEFAULT_AI_MAX_CONCURRENT_PER_NODE = 20;
  static final long DEFAULT_AI_TIME_LIMIT_SECONDS = 120;

  static CourseSettings from(JsonObject config) {
    CourseSettings settings = new CourseSettings(
      config.getString("generator", DEFAULT_GENERATOR),
      config.getLong("timeLimitSeconds", DEFAULT_TIME_LIMIT_SECONDS),
      config.getInteger("maxJobsPerUser", DEFAULT_MAX_JOBS_PER_USER),
      config.getInteger("maxJobsPerNode", DEFAULT_MAX_JOBS_PER_NODE),
      config.getLong("sessionTtlSeconds", DEFAULT_SESSION_TTL_SECONDS),
      config.getLong("sweepIntervalSeconds", DEFAULT_SWEEP_INTERVAL_SECONDS),
      config.getInteger("maxTopicLength", DEFAULT_MAX_TOPIC_LENGTH),
      config.getJsonObject("template", new JsonObject()).getLong("paceMs", DEFAULT_TEMPLATE_PACE_MS),
      ai(config.getJsonObject("ai", new JsonObject())),
      OpenAiSettings.from(config.getJsonObject("openai", new JsonObject())));
    settings.check();
    return settings;
  }

  private static AiRequests.AiLimits ai(JsonObject config) {
    return new AiRequests.AiLimits(config.getInteger("maxConcurrentPerUser", DEFAULT_AI_MAX_CONCURRENT_PER_USER),
      config.getInteger("maxConcurrentPerNode", DEFAULT_AI_MAX_CONCURRENT_PER_NODE),
      config.getLong("timeLimitSeconds", DEFAULT_AI_TIME_LIMIT_SECONDS));
  }

  private void check() {
    if (!generator.equals(TemplateGenerator.NAME) && !generator.equals(OpenAiGenerator.NAME)) {
      throw new IllegalArgumentException("course.generator must be '" + TemplateGenerator.NAME + "' or '"
        + OpenAiGenerator.NAME + "', was '" + generator + "'");
    }
    if (timeLimitSeconds < 1 || maxJobsPerUser < 1 || maxJobsPerNode < 1 || sessionTtlSeconds < 1 || sweepIntervalSeconds < 1
      || maxTopicLength < 1 || ai.maxPerUser() < 1 || ai.maxPerNode() < 1 || ai.timeLimitSeconds() < 1) {
      throw new IllegalArgumentException("course settings must be positive: " + this);
    }
    if (sessionTtlSeconds <= timeLimitSeconds) {
      // A running job's status would expire before the job ends.
      throw new IllegalArgumentException("course.sessionTtlSeconds (COURSE_SESSION_TTL_SECONDS, " + sessionTtlSeconds
        + ") must be longer than course.timeLimitSeconds (COURSE_TIME_LIMIT_SECONDS, " + timeLimitSeconds + ")");
    }
  }
}
