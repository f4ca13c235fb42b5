package dev.skillbus.protocol;

/**
 * A refusal with a stable {@link ErrorCode} and a message that says what was wrong. Thrown or
 * failed with inside a verticle; turned into {@code message.fail(code, message)} at the door.
 */
public final class ProtocolException extends RuntimeException {

  private final ErrorCode code;

  public ProtocolException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
