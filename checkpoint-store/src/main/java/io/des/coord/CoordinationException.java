package io.des.coord;

/** The coordination backend (Redis) failed or could not be reached. */
public class CoordinationException extends RuntimeException {
  public CoordinationException(String message, Throwable cause) {
    super(message, cause);
  }

  public CoordinationException(String message) {
    super(message);
  }
}
