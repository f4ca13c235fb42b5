package dev.skillbus;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Loads {@code conf/config.json} (or the file named by {@code SKILLBUS_CONFIG}) and applies the
 * environment overrides of {@link ConfigKeys#OVERRIDES}. A missing file means "all defaults": each key's
 * default sits in the code that reads it.
 */
public final class Config {

  public static final String DEFAULT_FILE = "conf/config.json";
  static final String LOG_LEVEL = "SKILLBUS_LOG_LEVEL";
  private static final List<String> LOG_LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

  private Config() {
  }

  /**
   * The file's settings with the environment's overrides applied, checked ({@link #check}). The
   * file {@code SKILLBUS_CONFIG} names must exist; without it, {@link #DEFAULT_FILE} is read where
   * there is one, and every setting takes its default where not.
   */
  public static JsonObject load(Map<String, String> env) {
    checkLogLevel(env.get(LOG_LEVEL));
    JsonObject config = readFile(file(env), named(env));
    checkSections(config);
    for (ConfigKeys.Override o : ConfigKeys.OVERRIDES) {
      // A file's boolean may be written 1 or 0, as the environment's.
      Object written = valueAt(config, o.path());
      if (o.type() == ConfigKeys.Type.BOOLEAN && (Integer.valueOf(1).equals(written) || Integer.valueOf(0).equals(written))) {
        put(config, o.path(), written.equals(1));
      }
      String value = env.get(o.env());
      if (value != null && !value.isBlank()) {
        put(config, o.path(), convert(o, value.trim()));
      }
    }
    check(config);
    return config;
  }

  /**
   * Refuses a log level the logging does not know: it would take it for DEBUG. The level itself is
   * read by the logging's own configuration ({@code logback.xml}).
   */
  private static void checkLogLevel(String level) {
    if (level != null && !level.isBlank() && !LOG_LEVELS.contains(level.toUpperCase(Locale.ROOT))) {
      throw new IllegalStateException(LOG_LEVEL + " must be one of " + String.join(", ", LOG_LEVELS) + ", was '"
        + level + "'");
    }
  }

  /** What {@link #load} reads, for the log: the file's absolute path, or that there is none. */
  public static String source(Map<String, String> env) {
    Path file = file(env);
    if (Files.isRegularFile(file)) {
      return file.toAbsolutePath().toString();
    }
    return named(env) ? file.toAbsolutePath() + " (named by SKILLBUS_CONFIG), which is not a file"
      : "no file (" + file.toAbsolutePath() + " not found): the environment's settings, and the defaults for the rest";
  }

  private static boolean named(Map<String, String> env) {
    String named = env.get("SKILLBUS_CONFIG");
    return named != null && !named.isBlank();
  }

  private static Path file(Map<String, String> env) {
    return Path.of(named(env) ? env.get("SKILLBUS_CONFIG").trim() : DEFAULT_FILE);
  }

  private static JsonObject readFile(Path file, boolean named) {
    if (!Files.isRegularFile(file)) {
      if (named) {
        throw new IllegalStateException("SKILLBUS_CONFIG names " + file.toAbsolutePath() + ", which is not a file");
      }
      return new JsonObject();
    }
    try {
      return new JsonObject(Files.readString(file));
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("Cannot read the config file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Refuses a setting of the wrong type (a list where a number goes, a number as a string) and a
   * number below its {@link #MINIMUMS minimum} or beyond what an int holds (ports: 65535), with a
   * message that names the setting and its environment variable.
   */
  public static void check(JsonObject config) {
    checkSections(config);
    for (ConfigKeys.Override o : ConfigKeys.OVERRIDES) {
      Object value = valueAt(config, o.path());
      boolean fits = value == null || switch (o.type()) {
        case STRING -> value instanceof String;
        case INT -> true; // below, with the minimums
        case BOOLEAN -> value instanceof Boolean;
        case LIST -> value instanceof JsonArray;
      };
      if (!fits) {
        throw new IllegalStateException(name(o.path()) + " must be a " + o.type().name().toLowerCase(Locale.ROOT) + ", was "
          + shown(o.path(), value));
      }
    }
    ConfigKeys.MINIMUMS.forEach((path, min) -> {
      Object value = valueAt(config, path);
      if (value == null) {
        return;
      }
      if (!isWhole(value)) {
        throw new IllegalStateException(name(path) + " must be an integer, was " + shown(path, value));
      }
      if (((Number) value).longValue() < min) {
        throw new IllegalStateException(name(path) + " must be at least " + min + ", was " + shown(path, value));
      }
      if (((Number) value).longValue() > Integer.MAX_VALUE) {
        throw new IllegalStateException(name(path) + " must be at most " + Integer.MAX_VALUE + ", was " + shown(path, value));
      }
      if (ConfigKeys.PORTS.contains(path) && ((Number) value).longValue() > ConfigKeys.MAX_PORT) {
        throw new IllegalStateException(name(path) + " must be at most " + ConfigKeys.MAX_PORT + ", was " + shown(path, value));
      }
    });
  }

  /** Refuses a section of settings ({@code session}, {@code store.redis}) that is not an object, naming it. */
  private static void checkSections(JsonObject config) {
    Stream.concat(ConfigKeys.OVERRIDES.stream().map(ConfigKeys.Override::path), ConfigKeys.MINIMUMS.keySet().stream())
      .forEach(path -> {
        String[] keys = path.split("\\.");
        Object node = config;
        for (int i = 0; i < keys.length - 1 && node instanceof JsonObject object; i++) {
          node = object.getValue(keys[i]);
          if (node != null && !(node instanceof JsonObject)) {
            String section = String.join(".", Arrays.copyOf(keys, i + 1));
            throw new IllegalStateException(section + " must be an object (a section of settings), was " + shown(section, node));
          }
        }
      });
  }

  /**
   * An integer, or a number with nothing after its point (250000.0, 1e6), as the code reading it
   * takes (a JSON file's numbers with a point are read as doubles; one too large is refused after).
   */
  private static boolean isWhole(Object value) {
    return value instanceof Integer || value instanceof Long || value instanceof Double d && d == Math.rint(d);
  }

  /**
   * A value as the file wrote it (a string in quotes, so that "10" given for a number reads as what
   * it is), or only its kind for a {@link ConfigKeys#SECRETS secret} setting, and for a section
   * that holds one (a secret written where its section goes).
   */
  static String shown(String path, Object value) {
    if (ConfigKeys.SECRETS.stream().noneMatch(secret -> secret.equals(path) || secret.startsWith(path + "."))) {
      return Json.encode(value);
    }
    String kind = value instanceof String ? "a string" : value instanceof JsonArray ? "a list"
      : value instanceof JsonObject ? "an object" : value instanceof Boolean ? "a boolean" : "a number";
    return kind + " (not shown)";
  }

  /** A setting's key, and its environment variable where it has one. */
  static String name(String path) {
    return ConfigKeys.OVERRIDES.stream().filter(o -> o.path().equals(path)).findFirst()
      .map(o -> path + " (" + o.env() + ")").orElse(path);
  }

  /** The value at a dotted path; null where there is none (or a part of the path is not an object). */
  static Object valueAt(JsonObject config, String path) {
    String[] keys = path.split("\\.");
    Object node = config;
    for (String key : keys) {
      if (!(node instanceof JsonObject object)) {
        return null;
      }
      node = object.getValue(key);
    }
    return node;
  }

  private static Object convert(ConfigKeys.Override o, String value) {
    try {
      return switch (o.type()) {
        case STRING -> value;
        case INT -> Integer.parseInt(value);
        case BOOLEAN -> parseBoolean(value);
        case LIST -> new JsonArray(Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
      };
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(o.env() + " must be " + o.type().name().toLowerCase(Locale.ROOT) + ", was '" + value + "'");
    }
  }

  private static boolean parseBoolean(String value) {
    if (value.equalsIgnoreCase("true") || value.equals("1")) {
      return true;
    }
    if (value.equalsIgnoreCase("false") || value.equals("0")) {
      return false;
    }
    throw new IllegalArgumentException(value);
  }

  private static void put(JsonObject config, String path, Object value) {
    String[] keys = path.split("\\.");
    JsonObject node = config;
    for (int i = 0; i < keys.length - 1; i++) {
      JsonObject child = node.getJsonObject(keys[i]);
      if (child == null) {
        child = new JsonObject();
        node.put(keys[i], child);
      }
      node = child;
    }
    node.put(keys[keys.length - 1], value);
  }
}
