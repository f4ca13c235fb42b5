package dev.skillbus.course;

import io.vertx.core.json.JsonObject;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;

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
    String baseUrl = checkedBaseUrl(config.getString("baseUrl", DEFAULT_BASE_URL));
    String apiKey = config.getString("apiKey");
    return new OpenAiSettings(
      baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl,
      config.getString("model", DEFAULT_MODEL),
      apiKey == null || apiKey.isBlank() ? null : apiKey.trim(),
      config.getLong("timeoutMs", DEFAULT_TIMEOUT_MS),
      config.getInteger("maxAnswerChars", DEFAULT_MAX_ANSWER_CHARS));
  }

  /**
   * The base URL, or an IllegalArgumentException naming the setting (the node does not start): an
   * absolute http or https URL with a host, a port if any in range, and no user, password, query or
   * fragment, so that what is logged of it and what requests show of it holds no secret. The message
   * never repeats the value, which may hold one.
   */
  static String checkedBaseUrl(String value) {
    URI uri;
    try {
      uri = new URI(value.trim());
    } catch (URISyntaxException e) {
      throw invalidBaseUrl("is not a URL");
    }
    if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
      throw invalidBaseUrl("must start with http:// or https://");
    }
    // The authority as written: a host name with an underscore (a container's service name) is no
    // host to URI, but one to the HTTP client.
    String authority = uri.getRawAuthority();
    if (authority == null || authority.isEmpty()) {
      throw invalidBaseUrl("names no host");
    }
    if (authority.contains("@")) {
      throw invalidBaseUrl("must not hold a user or password (user:password@): give the key in OPENAI_API_KEY");
    }
    URL url;
    try {
      url = uri.toURL();
    } catch (MalformedURLException | IllegalArgumentException e) {
      throw invalidBaseUrl("is not a URL");
    }
    if (url.getHost().isEmpty()) {
      throw invalidBaseUrl("names no host");
    }
    if (url.getPort() == 0 || url.getPort() > 65535) {
      throw invalidBaseUrl("has a port out of 1-65535");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw invalidBaseUrl("must not hold a query or fragment: /chat/completions is added to its path");
    }
    return value.trim();
  }

  private static IllegalArgumentException invalidBaseUrl(String why) {
    return new IllegalArgumentException("course.openai.baseUrl (OPENAI_BASE_URL) " + why);
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
