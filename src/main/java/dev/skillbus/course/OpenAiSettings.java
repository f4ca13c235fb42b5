package dev.skillbus.course;

import io.vertx.core.json.JsonObject;

/**
 * Where the OpenAI-compatible endpoint is and how long to wait for it, from the {@code openai}
 * object of the course config. {@code timeoutMs} bounds the wait for the first byte and every pause
 * of the stream; {@code maxAnswerChars} bounds what is read.
 */
record OpenAiSettings(String baseUrl, String model, String apiKey, long timeoutMs, int maxAnswerChars) {

  static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";
  static final String DEFAULT_MODEL = "gpt-4o-mini";
  static final long DEFAULT_TIMEOUT_MS = 30_000;
  static final int DEFAULT_MAX_ANSWER_CHARS = 200_000;

  static OpenAiSettings from(JsonObject config) {
    String baseUrl = config.getString("baseUrl", DEFAULT_BASE_URL);
    String apiKey = config.getString("apiKey");
    return new OpenAiSettings(
      baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl,
      config.getString("model", DEFAULT_MODEL),
      apiKey == null || apiKey.isBlank() ? null : apiKey.trim(),
      config.getLong("timeoutMs", DEFAULT_TIMEOUT_MS),
      config.getInteger("maxAnswerChars", DEFAULT_MAX_ANSWER_CHARS));
  }

  /** The URL of the chat-completions endpoint. */
  String completionsUrl() {
    return baseUrl + "/chat/completions";
  }

  @Override
  public String toString() {
    // Never log the key.
    return "OpenAiSettings[baseUrl=" + baseUrl + ", model=" + model + ", apiKey=" + (apiKey == null ? "none" : "set")
      + ", timeoutMs=" + timeoutMs + "]";
  }
}
