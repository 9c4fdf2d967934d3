package io.des.routing;

/**
 * A UID that upstream DES cannot route (its {@code int()} or UTF-8 encoding fails, an HTTP 500
 * upstream); DES rejects it up front as a client error instead.
 */
public class InvalidUidException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidUidException(String message) {
    super(message);
  }
}
