package io.des.storage;

import io.des.storage.S3Errors.Call;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * An exclusive upload to S3 that holds at most one part in memory: a blob that fits in one part is
 * a single conditional PUT at commit; a larger one becomes a multipart upload, started when the
 * first part is full and completed conditionally at commit.
 *
 * <p>A resumable upload cuts its parts at {@link #boundary()} calls instead, once a part's worth is
 * buffered (it holds up to two parts, and cuts a part anyway if no boundary comes), so that each
 * checkpoint ends exactly where its caller may resume. Its checkpoint token is the upload id and
 * the parts, one per line; {@link S3BlobStore#resume} checks them against the upload with ListParts.
 */
final class S3BlobUpload implements BlobUpload {
  private static final int MAX_PARTS = 10_000;

  private final S3Client client;
  private final S3StoreConfig config;
  private final BlobPath path;
  private final String key;
  private final String location;
  private final OutputStream out = new PartStream();
  private final List<CompletedPart> parts = new ArrayList<>();
  private PieceBuffer buffer = new PieceBuffer();
  private long written;
  private String uploadId;
  private final boolean resumable;
  private UploadState state = UploadState.OPEN;

  S3BlobUpload(S3Client client, S3StoreConfig config, BlobPath path, String key, String location) {
    this(client, config, path, key, location, false, null, List.of(), 0);
  }

  /** A resumable upload: new ({@code uploadId} null) or continuing after {@code parts}. */
  S3BlobUpload(S3Client client, S3StoreConfig config, BlobPath path, String key, String location,
      boolean resumable, String uploadId, List<CompletedPart> parts, long written) {
    this.client = client;
    this.config = config;
    this.path = path;
    this.key = key;
    this.location = location;
    this.resumable = resumable;
    this.uploadId = uploadId;
    this.parts.addAll(parts);
    this.written = written;
  }

  @Override
  public Optional<UploadCheckpoint> boundary() throws IOException {
    state.checkCanWrite(path);
    if (!resumable || buffer.size() < config.partSizeBytes()) {
      return Optional.empty();
    }
    uploadPartOrAbort((int) buffer.size());
    StringBuilder token = new StringBuilder(uploadId);
    for (CompletedPart part : parts) {
      token.append('\n').append(part.partNumber()).append(' ').append(part.eTag());
    }
    return Optional.of(new UploadCheckpoint(path, written, token.toString()));
  }

  /** Parses a checkpoint token: the upload id, then one {@code <number> <etag>} line per part. */
  static List<CompletedPart> parts(String token) {
    List<CompletedPart> parts = new ArrayList<>();
    String[] lines = token.split("\n");
    for (int i = 1; i < lines.length; i++) {
      int space = lines[i].indexOf(' ');
      parts.add(CompletedPart.builder().partNumber(Integer.parseInt(lines[i].substring(0, space))).eTag(lines[i].substring(space + 1)).build());
    }
    return parts;
  }

  static String uploadId(String token) {
    int newline = token.indexOf('\n');
    return newline < 0 ? token : token.substring(0, newline);
  }

  @Override
  public OutputStream out() {
    return out;
  }

  @Override
  public long written() {
    return written;
  }

  @Override
  public BlobInfo commit() throws IOException {
    state.checkCanCommit(path);
    try {
      if (uploadId == null) {
        putSingle();
      } else {
        if (buffer.size() > 0) {
          uploadPart((int) buffer.size());
        }
        complete();
      }
    } catch (IOException | RuntimeException e) {
      abortAfter(e);
      throw e;
    }
    state = UploadState.COMMITTED;
    buffer = null;
    return new BlobInfo(path, written, Instant.now());
  }

  private void abortAfter(Exception failure) {
    try {
      close();
    } catch (IOException | RuntimeException abortFailure) {
      failure.addSuppressed(abortFailure);
    }
  }

  private void putSingle() throws StorageException {
    try {
      client.putObject(
          b -> b.bucket(config.bucket()).key(key).ifNoneMatch("*").contentLength(buffer.size()),
          bufferBody((int) buffer.size()));
    } catch (SdkException e) {
      throw commitFailure(e, "PutObject If-None-Match: *");
    }
  }

  private void complete() throws StorageException {
    try {
      client.completeMultipartUpload(b -> b
          .bucket(config.bucket())
          .key(key)
          .uploadId(uploadId)
          .ifNoneMatch("*")
          .multipartUpload(m -> m.parts(parts)));
    } catch (SdkException e) {
      throw commitFailure(e, "CompleteMultipartUpload If-None-Match: *");
    }
  }

  /** NoSuchUpload: another writer completed or aborted this upload (it resumed it, or cleaned up). */
  private UploadNotFoundException gone(SdkException e) {
    UploadNotFoundException gone = new UploadNotFoundException(
        "The multipart upload " + uploadId + " of " + location + " is gone (completed or aborted by another writer)");
    gone.initCause(e);
    return gone;
  }

  private StorageException commitFailure(SdkException e, String operation) {
    if (uploadId != null && S3Errors.isNotFound(e)) {
      return gone(e);
    }
    if (S3Errors.isPreconditionFailed(e)) {
      return S3Errors.retried(e)
          ? S3Errors.outcomeUnknown(operation, location, e)
          : new BlobAlreadyExistsException(config.location(), path);
    }
    return S3Errors.translate(e, Call.EXCLUSIVE_COMMIT, operation, location);
  }

  /** Uploads the first {@code length} buffered bytes as the next part, starting the multipart upload if needed. */
  private void uploadPart(int length) throws StorageException {
    int partNumber = parts.size() + 1;
    if (partNumber > MAX_PARTS) {
      throw new StorageException("Upload of " + location + " exceeds " + MAX_PARTS + " parts of "
          + config.partSizeBytes() + " bytes; raise the part size");
    }
    String operation = "CreateMultipartUpload";
    try {
      if (uploadId == null) {
        uploadId = client.createMultipartUpload(b -> b.bucket(config.bucket()).key(key)).uploadId();
      }
      operation = "UploadPart " + partNumber;
      String eTag = client.uploadPart(
          b -> b.bucket(config.bucket()).key(key).uploadId(uploadId).partNumber(partNumber)
              .contentLength((long) length),
          bufferBody(length)).eTag();
      parts.add(CompletedPart.builder().partNumber(partNumber).eTag(eTag).build());
      buffer.discard(length);
    } catch (SdkException e) {
      if (uploadId != null && S3Errors.isNotFound(e)) {
        throw gone(e);
      }
      // The caller aborts the whole upload, so a lost part leaves nothing and a retry is safe.
      throw S3Errors.translate(e, Call.WRITE, operation, location);
    }
  }

  private void uploadPartOrAbort(int length) throws IOException {
    try {
      uploadPart(length);
    } catch (StorageException | RuntimeException e) {
      abortAfter(e);
      throw e;
    }
  }

  /** A body over the buffer's first bytes without copying them; each SDK attempt gets a fresh stream. */
  private RequestBody bufferBody(int length) {
    PieceBuffer bytes = buffer;
    return RequestBody.fromContentProvider(() -> bytes.stream(length), length, "application/octet-stream");
  }

  /**
   * Aborts the multipart upload, if one was started, unless committed. A failed abort is thrown:
   * a leaked upload keeps costing storage until a lifecycle rule removes it.
   */
  @Override
  public void close() throws IOException {
    if (state != UploadState.OPEN) {
      return;
    }
    state = UploadState.ABORTED;
    buffer = null;
    if (uploadId != null) {
      try {
        client.abortMultipartUpload(b -> b.bucket(config.bucket()).key(key).uploadId(uploadId));
      } catch (SdkException e) {
        // After a lost CompleteMultipartUpload response the upload may be gone (completed).
        if (!S3Errors.isNotFound(e)) {
          throw S3Errors.translate(e, Call.WRITE, "AbortMultipartUpload " + uploadId, location);
        }
      }
    }
  }

  /** Fills the part buffer; a full buffer is uploaded only once more bytes arrive. */
  private final class PartStream extends OutputStream {
    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int from, int count) throws IOException {
      Objects.checkFromIndexSize(from, count, bytes.length);
      state.checkCanWrite(path);
      int partSize = config.partSizeBytes();
      // A resumable upload waits for a boundary to cut a part, up to a second part's worth.
      int capacity = resumable ? 2 * partSize : partSize;
      while (count > 0) {
        if (buffer.size() == capacity) {
          uploadPartOrAbort(partSize);
        }
        int chunk = (int) Math.min(count, capacity - buffer.size());
        buffer.write(bytes, from, chunk); // in pieces: small blobs never hold a whole part
        written += chunk;
        from += chunk;
        count -= chunk;
      }
    }


    @Override
    public void close() {
      // Closing the stream does not commit, and the buffer stays for commit().
    }
  }
}
