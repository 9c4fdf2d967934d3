package io.des.storage;

import java.io.IOException;

/**
 * A storage failure. Subclasses say what to do next: {@link BlobNotFoundException} and {@link
 * BlobAlreadyExistsException} are answers, not faults; {@link RetryableStorageException} may be
 * retried; {@link StorageOutcomeUnknownException} must be checked before retrying. Anything else is
 * permanent.
 */
public class StorageException extends IOException {
  private static final long serialVersionUID = 1L;

  public StorageException(String message) {
    super(message);
  }

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
