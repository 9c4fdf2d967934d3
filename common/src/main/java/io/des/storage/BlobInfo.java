package io.des.storage;

import java.time.Instant;
import java.util.Objects;

/** What a store knows about one blob without reading it. */
public record BlobInfo(BlobPath path, long size, Instant lastModified) {
  public BlobInfo {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(lastModified, "lastModified");
    if (size < 0) {
      throw new IllegalArgumentException("Negative blob size " + size + " for " + path);
    }
  }
}
