package io.des.storage;

import java.io.IOException;
import java.util.Locale;

/** Where a {@link BlobUpload} is in its life; shared so every backend rejects misuse alike. */
enum UploadState {
  OPEN,
  COMMITTED,
  ABORTED;

  void checkCanWrite(BlobPath path) throws IOException {
    if (this != OPEN) {
      throw new IOException("Upload of " + path + " is " + name().toLowerCase(Locale.ROOT) + "; no more writes");
    }
  }

  void checkCanCommit(BlobPath path) {
    if (this != OPEN) {
      throw new IllegalStateException(
          "Upload of " + path + " is " + name().toLowerCase(Locale.ROOT) + "; it cannot be committed");
    }
  }
}
