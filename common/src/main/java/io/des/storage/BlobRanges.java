package io.des.storage;

/** Argument checks and messages shared by the backends, so every backend words failures alike. */
final class BlobRanges {
  private BlobRanges() {}

  static void checkRange(BlobPath path, long offset, long length) {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException(
          "Negative offset " + offset + " or length " + length + " for " + path);
    }
  }

  static void checkTailLength(BlobPath path, int length) {
    if (length < 0) {
      throw new IllegalArgumentException("Negative tail length " + length + " for " + path);
    }
  }

  /** True if {@code [offset, offset + length)} does not fit in a blob of {@code size} bytes. */
  static boolean beyondEnd(long offset, long length, long size) {
    return offset > size || length > size - offset;
  }

  static StorageException rangeBeyondEnd(
      String store, BlobPath path, long offset, long length, long size) {
    return new StorageException(
        "Range beyond the end of " + path + " in " + store + ": offset " + offset + ", length "
            + length + ", blob size " + size);
  }
}
