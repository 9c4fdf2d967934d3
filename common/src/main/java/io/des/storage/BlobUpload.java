package io.des.storage;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A blob being written. Bytes written to {@link #out()} are invisible to readers until {@link
 * #commit()} makes the whole blob appear at once; {@link #close()} without a commit aborts and
 * leaves nothing behind (no temporary file, no multipart upload). Memory held by an upload is
 * bounded by the backend's buffer or part size, not by the blob size. Not thread-safe.
 */
public interface BlobUpload extends AutoCloseable {

  /** The stream to write the content to. Closing it does not commit. */
  OutputStream out();

  /** Bytes written so far. */
  long written();

  /**
   * Appends {@code length} bytes of another blob, from {@code offset}, as if they were read and
   * written to {@link #out()} (whose buffered bytes come first). Same errors as {@link
   * BlobStore#openRange}. See {@link #appendsInPlace}.
   */
  default void appendRange(BlobStore from, BlobPath path, long offset, long length) throws IOException {
    try (java.io.InputStream in = from.openRange(path, offset, length)) {
      long copied = in.transferTo(out());
      if (copied != length) {
        throw new StorageException("Short read of " + path + " in " + from.describe() + ": wanted " + length
            + " bytes at offset " + offset + ", got " + copied);
      }
    }
  }

  /**
   * Whether {@link #appendRange} from {@code from} copies without passing the bytes through this
   * process (a local disk copies file to file in the kernel). When it does not, each call costs a
   * ranged read, and a caller copying many ranges of one blob does better reading it once itself.
   */
  default boolean appendsInPlace(BlobStore from) {
    return false;
  }

  /**
   * Declares that the content may be cut here (the caller will only ever resume from such points,
   * e.g. between two entries). An upload made by {@link BlobStore#createResumable} makes everything
   * written so far durable when enough has accumulated since its last durable point (about a part),
   * and returns the checkpoint to resume from; otherwise, and for other uploads, empty. Never makes
   * the blob visible.
   */
  default java.util.Optional<UploadCheckpoint> boundary() throws IOException {
    return java.util.Optional.empty();
  }

  /**
   * Makes the blob visible, atomically and durably (local: fsync then link; S3: a completed
   * conditional put or multipart upload).
   *
   * @throws BlobAlreadyExistsException if the upload was exclusive and the key exists; the upload is
   *     aborted and the existing blob is unchanged
   */
  BlobInfo commit() throws IOException;

  /** Aborts the upload unless it was committed. Idempotent. */
  @Override
  void close() throws IOException;
}
