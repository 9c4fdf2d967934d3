package io.des.storage;

/** The blob does not exist. */
public class BlobNotFoundException extends StorageException {
  private static final long serialVersionUID = 1L;

  public BlobNotFoundException(String store, BlobPath path) {
    super("Blob not found: " + path + " in " + store);
  }
}
