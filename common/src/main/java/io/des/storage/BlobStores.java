package io.des.storage;

import java.nio.file.Path;

/** Interim: local folders only until the S3 backend lands. */
public final class BlobStores {
  private BlobStores() {}

  public static BlobStore open(String location) {
    return new LocalBlobStore(Path.of(location));
  }
}
