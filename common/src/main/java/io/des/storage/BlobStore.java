package io.des.storage;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where shards, BigFiles and catalogs live. Every method must be implementable on a local disk and
 * on S3 with the same semantics; the contract test ({@code BlobStoreContractTest}) holds all
 * backends to it. Keys are {@link BlobPath}s relative to the store's root. All methods are
 * thread-safe.
 *
 * <p>Portability: a key must not also be a folder of other keys ({@code a} and {@code a/b}); S3
 * allows it but a local disk cannot hold both, and the second write fails with a {@link
 * StorageException}.
 *
 * <p>Errors: a missing blob is {@link BlobNotFoundException}; everything else is a {@link
 * StorageException} whose subclass says whether a retry is safe.
 */
public interface BlobStore extends Closeable {

  /** A human-readable location, for messages: {@code file:/data/des} or {@code s3://bucket/prefix}. */
  String describe();

  /** Size and modification time of a blob, or empty if it does not exist. One request. */
  Optional<BlobInfo> stat(BlobPath path) throws IOException;

  /**
   * Opens {@code length} bytes starting at {@code offset} as a stream, with one ranged request.
   * {@code length} 0 gives an empty stream without contacting the backend, so without checking that
   * the blob exists.
   *
   * @throws BlobNotFoundException if the blob does not exist
   * @throws StorageException if the range extends beyond the end of the blob
   */
  InputStream openRange(BlobPath path, long offset, long length) throws IOException;

  /** Reads exactly {@code length} bytes at {@code offset}; same contract as {@link #openRange}. */
  default byte[] readRange(BlobPath path, long offset, int length) throws IOException {
    byte[] bytes = new byte[length]; // read in place: readNBytes(int) would read 8 KiB pieces and join them
    try (InputStream in = openRange(path, offset, length)) {
      int read = in.readNBytes(bytes, 0, length);
      if (read != length) {
        throw new StorageException(
            "Short read of " + path + " in " + describe() + ": wanted " + length + " bytes at offset "
                + offset + ", got " + read);
      }
      return bytes;
    }
  }

  /**
   * The last {@code min(length, size)} bytes of a blob and its total size, in one request.
   *
   * @throws BlobNotFoundException if the blob does not exist
   */
  Tail readTail(BlobPath path, int length) throws IOException;

  /** Opens a stream over the whole blob. */
  InputStream open(BlobPath path) throws IOException;

  /**
   * Starts writing a new blob that must not exist yet. The key is checked at {@link
   * BlobUpload#commit()}, atomically: of two uploads to one key exactly one commits, the other gets
   * {@link BlobAlreadyExistsException}. A blob is never overwritten through this method.
   */
  BlobUpload createExclusive(BlobPath path) throws IOException;

  /**
   * As {@link #createExclusive}, for a blob whose writer may die half way: {@link
   * BlobUpload#boundary()} then returns checkpoints that {@link #resume} continues from, in any
   * process. A backend that cannot resume returns a plain exclusive upload, whose boundaries return
   * nothing.
   */
  default BlobUpload createResumable(BlobPath path) throws IOException {
    return createExclusive(path);
  }

  /**
   * Reopens an unfinished upload at a checkpoint of it: the bytes before the checkpoint's length are
   * kept, and what is written next follows them. The upload is exclusive, as it was.
   *
   * @throws UploadNotFoundException if the upload no longer exists as the checkpoint describes it
   *     (committed, aborted, or changed by another writer)
   * @throws UnsupportedOperationException if this backend cannot resume uploads
   */
  default BlobUpload resume(UploadCheckpoint checkpoint) throws IOException {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " (" + describe() + ") cannot resume uploads");
  }

  /**
   * Writes a small blob that must not exist yet, atomically; same contract as {@link
   * #createExclusive}.
   */
  default BlobInfo putExclusive(BlobPath path, byte[] content) throws IOException {
    try (BlobUpload upload = createExclusive(path)) {
      upload.out().write(content);
      return upload.commit();
    }
  }

  /**
   * Creates or replaces a small blob atomically: readers see the old or the new content, never a
   * mix. Not for shards (they are never replaced); for hints and caches whose loss is harmless.
   */
  BlobInfo putReplace(BlobPath path, byte[] content) throws IOException;

  /**
   * Lists the blobs whose key starts with {@code prefix} (a plain string prefix, not a folder), in
   * ascending key order (by UTF-16 {@link String#compareTo}, which for the ASCII keys DES writes is
   * S3's byte order). The stream is lazy: it pages through the backend as it is consumed, so memory
   * stays bounded whatever the number of blobs; close it. Blobs still being uploaded are not listed.
   * Read-after-write: a listing started after a create or delete returned reflects it (S3 is strongly
   * consistent; BigFile reference markers rely on it, docs/deletion.md).
   * An empty prefix lists everything. A failure while the stream is consumed is thrown as an {@link
   * java.io.UncheckedIOException} wrapping a {@link StorageException}.
   */
  Stream<BlobInfo> list(String prefix) throws IOException;

  /**
   * Aborts every unfinished upload (started by {@link #createExclusive}, never committed nor closed)
   * whose key starts with {@code keyPrefix}, including uploads of other processes: S3 multipart
   * uploads, temporary files on a local disk. For a process that holds the lock over those keys and
   * cleans up after a predecessor that died mid-upload; an upload still running elsewhere fails at
   * its next write or at commit. Idempotent.
   *
   * @return how many uploads were aborted
   */
  int abortUploads(String keyPrefix) throws IOException;

  /** Deletes the blobs; missing ones are ignored. Idempotent; not atomic across blobs. */
  void delete(Collection<BlobPath> paths) throws IOException;

  /** Deletes one blob; a missing blob is ignored. */
  default void delete(BlobPath path) throws IOException {
    delete(List.of(path));
  }

  /** Releases clients and pools. */
  @Override
  default void close() throws IOException {}
}
