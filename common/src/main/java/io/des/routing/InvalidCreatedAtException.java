package io.des.routing;

/**
 * A created_at string that is not accepted; the message quotes the input (escaped, at most 100
 * characters) and says why. Upstream answers such input with HTTP 400 "Invalid created_at format".
 */
public class InvalidCreatedAtException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidCreatedAtException(String message) {
    super(message);
  }
}
