package io.des.storage;

/**
 * A write whose outcome is unknown (the response was lost). The message names the blob: check
 * whether it exists, and with what content, before retrying.
 */
public class StorageOutcomeUnknownException extends StorageException {
  private static final long serialVersionUID = 1L;

  public StorageOutcomeUnknownException(String message, Throwable cause) {
    super(message, cause);
  }
}
