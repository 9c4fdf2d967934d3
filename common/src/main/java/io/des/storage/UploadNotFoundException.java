package io.des.storage;

/**
 * An upload to resume no longer exists as its checkpoint describes it: it was completed, aborted,
 * or changed by another writer. Start a new upload instead.
 */
public class UploadNotFoundException extends StorageException {
  private static final long serialVersionUID = 1L;

  public UploadNotFoundException(String message) {
    super(message);
  }
}
