package io.des.storage;

/**
 * The last bytes of a blob together with the blob's total size, as returned by one tail read
 * ({@code Range: bytes=-N} on S3). {@code bytes.length} is {@code min(requested, blobSize)}.
 */
public record Tail(byte[] bytes, long blobSize) {
  public Tail {
    if (bytes.length > blobSize) {
      throw new IllegalArgumentException(
          "Tail of " + bytes.length + " bytes is longer than the blob (" + blobSize + " bytes)");
    }
  }

  /** Offset in the blob of {@code bytes[0]}. */
  public long offset() {
    return blobSize - bytes.length;
  }
}
