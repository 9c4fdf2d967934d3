package io.des.storage;

import io.des.storage.S3Errors.Call;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * An exclusive upload to S3 that holds at most one part in memory: a blob that fits in one part is
 * a single conditional PUT at commit; a larger one becomes a multipart upload, started when the
 * first part is full and completed conditionally at commit.
 */
final class S3BlobUpload implements BlobUpload {
  private static final int MAX_PARTS = 10_000;
  private static final int INITIAL_BUFFER = 64 * 1024;

  private final S3Client client;
  private final S3StoreConfig config;
  private final BlobPath path;
  private final String key;
  private final String location;
  private final OutputStream out = new PartStream();
  private final List<CompletedPart> parts = new ArrayList<>();
  private byte[] buffer = new byte[INITIAL_BUFFER];
  private int buffered;
  private long written;
  private String uploadId;
  private UploadState state = UploadState.OPEN;

  S3BlobUpload(S3Client client, S3StoreConfig config, BlobPath path, String key, String location) {
    this.client = client;
    this.config = config;
    this.path = path;
    this.key = key;
    this.location = location;
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
        uploadPart();
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
          b -> b.bucket(config.bucket()).key(key).ifNoneMatch("*").contentLength((long) buffered),
          bufferBody());
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

  private StorageException commitFailure(SdkException e, String operation) {
    if (S3Errors.isPreconditionFailed(e)) {
      return S3Errors.retried(e)
          ? S3Errors.outcomeUnknown(operation, location, e)
          : new BlobAlreadyExistsException(config.location(), path);
    }
    return S3Errors.translate(e, Call.EXCLUSIVE_COMMIT, operation, location);
  }

  /** Uploads the buffer as the next part, starting the multipart upload if needed. */
  private void uploadPart() throws StorageException {
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
              .contentLength((long) buffered),
          bufferBody()).eTag();
      parts.add(CompletedPart.builder().partNumber(partNumber).eTag(eTag).build());
      buffered = 0;
    } catch (SdkException e) {
      // The caller aborts the whole upload, so a lost part leaves nothing and a retry is safe.
      throw S3Errors.translate(e, Call.WRITE, operation, location);
    }
  }

  /** A body over the buffer without copying it; each SDK attempt gets a fresh stream. */
  private RequestBody bufferBody() {
    byte[] bytes = buffer;
    int length = buffered;
    return RequestBody.fromContentProvider(
        () -> new ByteArrayInputStream(bytes, 0, length), length, "application/octet-stream");
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
      while (count > 0) {
        if (buffered == partSize) {
          uploadPartOrAbort();
        }
        int chunk = Math.min(count, partSize - buffered);
        if (buffered + chunk > buffer.length) {
          // Grow geometrically so small blobs never hold a whole part.
          buffer = Arrays.copyOf(buffer, Math.min(partSize, Math.max(buffered + chunk, buffer.length * 2)));
        }
        System.arraycopy(bytes, from, buffer, buffered, chunk);
        buffered += chunk;
        written += chunk;
        from += chunk;
        count -= chunk;
      }
    }

    private void uploadPartOrAbort() throws IOException {
      try {
        uploadPart();
      } catch (StorageException | RuntimeException e) {
        abortAfter(e);
        throw e;
      }
    }

    @Override
    public void close() {
      // Closing the stream does not commit, and the buffer stays for commit().
    }
  }
}
