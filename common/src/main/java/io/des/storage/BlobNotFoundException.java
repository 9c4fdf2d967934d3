package io.des.storage;

/** The blob does not exist. */
public class BlobNotFoundException extends StorageException {
  private static final long serialVersionUID = 1L;

  public BlobNotFoundException(String store, BlobPath path) {
    super("Blob not found: " + path + " in " + store);
  }

  /**
   * No stack trace: a missing blob is an answer, not a fault (every read probes for a tombstone that
   * is usually absent), and filling in the stack was most of the cost of that probe.
   */
  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
