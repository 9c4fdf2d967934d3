package io.des.job;

/** A job message that cannot be run as it is: malformed, too large, or inconsistent. Never retried. */
public final class InvalidJobException extends Exception {
  public InvalidJobException(String message) {
    super(message);
  }

  public InvalidJobException(String message, Throwable cause) {
    super(message, cause);
  }
}
