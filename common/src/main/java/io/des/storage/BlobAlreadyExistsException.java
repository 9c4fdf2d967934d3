package io.des.storage;

/** An exclusive create found the key taken; the existing blob is unchanged. */
public class BlobAlreadyExistsException extends StorageException {
  private static final long serialVersionUID = 1L;

  public BlobAlreadyExistsException(String store, BlobPath path) {
    super("Blob already exists: " + path + " in " + store);
  }
}
