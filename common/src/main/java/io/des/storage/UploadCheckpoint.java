package io.des.storage;

import java.util.Objects;

/**
 * A point from which an unfinished upload can be resumed, by this process or another one after it
 * died: the first {@code length} bytes are durable in the backend. The token is the backend's own
 * (an S3 multipart upload id with its parts; a temporary file's name): persist it as it is.
 */
public record UploadCheckpoint(BlobPath path, long length, String token) {
  public UploadCheckpoint {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(token, "token");
    if (length < 0) {
      throw new IllegalArgumentException("Negative checkpoint length " + length + " for " + path);
    }
  }
}
