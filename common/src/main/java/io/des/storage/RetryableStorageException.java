package io.des.storage;

/** A transient failure (throttling, 5xx, connection reset) that left nothing behind; safe to retry. */
public class RetryableStorageException extends StorageException {
  private static final long serialVersionUID = 1L;

  public RetryableStorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
