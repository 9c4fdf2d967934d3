package io.des.storage;

import io.des.storage.S3Errors.Call;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A {@link BlobStore} on S3 or an S3-compatible server, with keys under the configured prefix.
 * Exclusive commits are conditional writes ({@code If-None-Match: *} on the single PUT or on
 * CompleteMultipartUpload), so they never overwrite; a commit whose response was lost, or that the
 * SDK had to retry before S3 answered 412, fails with {@link StorageOutcomeUnknownException}
 * because the 412 may be the answer to our own earlier attempt. Uploads hold at most one part in
 * memory; a failed or abandoned upload aborts its multipart upload. The {@code lastModified} of a
 * write result is the client's clock; {@link #stat} and {@link #list} report S3's.
 */
public final class S3BlobStore implements BlobStore {
  static final int DELETE_BATCH = 1000;

  private final S3Client client;
  private final S3StoreConfig config;

  private S3BlobStore(S3Client client, S3StoreConfig config) {
    this.client = client;
    this.config = config;
  }

  /** A store with its own client (closed with the store). */
  public static S3BlobStore open(S3StoreConfig config) {
    return new S3BlobStore(newClient(config), config);
  }

  static S3Client newClient(S3StoreConfig config) {
    AwsCredentialsProvider credentials = config.accessKey() == null
        ? DefaultCredentialsProvider.builder().build()
        : StaticCredentialsProvider.create(
            AwsBasicCredentials.create(config.accessKey(), config.secretKey()));
    S3ClientBuilder builder = S3Client.builder()
        .httpClientBuilder(Apache5HttpClient.builder())
        .region(Region.of(config.region()))
        .forcePathStyle(config.pathStyle())
        .credentialsProvider(credentials)
        // S3-compatible servers do not all know the newer default CRC checksums.
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .overrideConfiguration(override -> override
            .apiCallTimeout(config.apiCallTimeout())
            .retryStrategy(retry -> retry.maxAttempts(config.maxAttempts())));
    if (config.endpoint() != null) {
      builder.endpointOverride(config.endpoint());
    }
    return builder.build();
  }

  public S3StoreConfig config() {
    return config;
  }

  @Override
  public String describe() {
    return config.location();
  }

  @Override
  public Optional<BlobInfo> stat(BlobPath path) throws IOException {
    try {
      HeadObjectResponse head = client.headObject(b -> b.bucket(config.bucket()).key(objectKey(path)));
      return Optional.of(new BlobInfo(path, head.contentLength(), head.lastModified()));
    } catch (SdkException e) {
      // HEAD has no error body, so a missing bucket looks like a missing key here.
      if (S3Errors.isNotFound(e)) {
        return Optional.empty();
      }
      throw S3Errors.translate(e, Call.READ, "HeadObject", location(path));
    }
  }

  @Override
  public InputStream openRange(BlobPath path, long offset, long length) throws IOException {
    BlobRanges.checkRange(path, offset, length);
    if (length == 0) {
      return InputStream.nullInputStream();
    }
    String range = "bytes=" + offset + "-" + (offset + length - 1);
    ResponseInputStream<GetObjectResponse> in;
    try {
      in = client.getObject(b -> b.bucket(config.bucket()).key(objectKey(path)).range(range));
    } catch (SdkException e) {
      if (S3Errors.isInvalidRange(e)) {
        // The 416 does not say how big the blob is; one more request makes the message useful.
        BlobInfo info = stat(path).orElseThrow(() -> new BlobNotFoundException(describe(), path));
        throw BlobRanges.rangeBeyondEnd(describe(), path, offset, length, info.size());
      }
      throw readFailure(e, "GetObject " + range, path);
    }
    GetObjectResponse response = in.response();
    if (response.contentLength() == null || response.contentLength() != length) {
      in.abort();
      long size = totalSize(response);
      if (BlobRanges.beyondEnd(offset, length, size)) {
        throw BlobRanges.rangeBeyondEnd(describe(), path, offset, length, size);
      }
      throw new StorageException("S3 GetObject " + range + " of " + location(path) + " returned "
          + response.contentLength() + " bytes (Content-Range " + response.contentRange()
          + ") instead of " + length);
    }
    return new AbortingStream(in, length);
  }

  @Override
  public Tail readTail(BlobPath path, int length) throws IOException {
    BlobRanges.checkTailLength(path, length);
    if (length == 0) {
      BlobInfo info = stat(path).orElseThrow(() -> new BlobNotFoundException(describe(), path));
      return new Tail(new byte[0], info.size());
    }
    String range = "bytes=-" + length;
    try (ResponseInputStream<GetObjectResponse> in =
        client.getObject(b -> b.bucket(config.bucket()).key(objectKey(path)).range(range))) {
      byte[] bytes = in.readNBytes(length);
      long size = totalSize(in.response());
      if (bytes.length != Math.min(length, size) || in.read() >= 0) {
        in.abort();
        throw new StorageException("S3 GetObject " + range + " of " + location(path) + " returned "
            + bytes.length + "+ bytes of a " + size + "-byte blob");
      }
      return new Tail(bytes, size);
    } catch (SdkException e) {
      if (S3Errors.isInvalidRange(e)) {
        // S3 cannot satisfy a suffix range of an empty object.
        BlobInfo info = stat(path).orElseThrow(() -> new BlobNotFoundException(describe(), path));
        if (info.size() == 0) {
          return new Tail(new byte[0], 0);
        }
      }
      throw readFailure(e, "GetObject " + range, path);
    }
  }

  @Override
  public InputStream open(BlobPath path) throws IOException {
    try {
      ResponseInputStream<GetObjectResponse> in =
          client.getObject(b -> b.bucket(config.bucket()).key(objectKey(path)));
      return new AbortingStream(in, in.response().contentLength());
    } catch (SdkException e) {
      throw readFailure(e, "GetObject", path);
    }
  }

  @Override
  public BlobUpload createExclusive(BlobPath path) {
    return new S3BlobUpload(client, config, path, objectKey(path), location(path));
  }

  @Override
  public BlobUpload createResumable(BlobPath path) {
    return new S3BlobUpload(client, config, path, objectKey(path), location(path), true, null, List.of(), 0);
  }

  /**
   * Lists the upload's parts (one request) and continues after the checkpoint's if they are all
   * still there with the same ETags; parts uploaded after the checkpoint are overwritten.
   */
  @Override
  public BlobUpload resume(UploadCheckpoint checkpoint) throws IOException {
    BlobPath path = checkpoint.path();
    String uploadId = S3BlobUpload.uploadId(checkpoint.token());
    List<CompletedPart> parts = S3BlobUpload.parts(checkpoint.token());
    java.util.Map<Integer, String> present = new java.util.HashMap<>();
    try {
      client.listPartsPaginator(b -> b.bucket(config.bucket()).key(objectKey(path)).uploadId(uploadId))
          .parts().forEach(p -> present.put(p.partNumber(), p.eTag()));
    } catch (SdkException e) {
      if (S3Errors.isNotFound(e)) {
        throw new UploadNotFoundException("The multipart upload " + uploadId + " of " + location(path) + " is gone");
      }
      throw S3Errors.translate(e, Call.READ, "ListParts " + uploadId, location(path));
    }
    for (CompletedPart part : parts) {
      if (!part.eTag().equals(present.get(part.partNumber()))) {
        throw new UploadNotFoundException("Part " + part.partNumber() + " of upload " + uploadId + " of " + location(path)
            + " is " + present.get(part.partNumber()) + ", its checkpoint says " + part.eTag());
      }
    }
    return new S3BlobUpload(client, config, path, objectKey(path), location(path), true, uploadId, parts, checkpoint.length());
  }

  @Override
  public BlobInfo putReplace(BlobPath path, byte[] content) throws IOException {
    try {
      client.putObject(
          b -> b.bucket(config.bucket()).key(objectKey(path)).contentLength((long) content.length),
          RequestBody.fromBytes(content));
      return new BlobInfo(path, content.length, Instant.now());
    } catch (SdkException e) {
      throw S3Errors.translate(e, Call.WRITE, "PutObject", location(path));
    }
  }

  @Override
  public Stream<BlobInfo> list(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    String listed = config.objectKeyPrefix(prefix);
    // The paginator sends nothing until iterated, then one request per page of 1,000 keys.
    Iterator<S3Object> objects = client
        .listObjectsV2Paginator(b -> b.bucket(config.bucket()).prefix(listed))
        .contents()
        .iterator();
    Iterator<S3Object> translating = new Iterator<>() {
      @Override
      public boolean hasNext() {
        try {
          return objects.hasNext();
        } catch (SdkException e) {
          throw new UncheckedIOException(
              S3Errors.translate(e, Call.READ, "ListObjectsV2", describe() + " prefix '" + prefix + "'"));
        }
      }

      @Override
      public S3Object next() {
        hasNext();
        return objects.next();
      }
    };
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(translating, Spliterator.ORDERED | Spliterator.NONNULL),
            false)
        .map(this::toInfo)
        .filter(Objects::nonNull);
  }

  private BlobInfo toInfo(S3Object object) {
    String key = config.prefix().isEmpty()
        ? object.key()
        : object.key().substring(config.prefix().length() + 1);
    try {
      return new BlobInfo(BlobPath.of(key), object.size(), object.lastModified());
    } catch (IllegalArgumentException e) {
      return null; // written by another tool: no BlobPath can name it, so it is not ours
    }
  }

  /** Lists the multipart uploads under the prefix, page by page, and aborts each. */
  @Override
  public int abortUploads(String keyPrefix) throws IOException {
    String listed = config.objectKeyPrefix(keyPrefix);
    int aborted = 0;
    String keyMarker = null;
    String uploadIdMarker = null;
    while (true) {
      String km = keyMarker;
      String um = uploadIdMarker;
      ListMultipartUploadsResponse page;
      try {
        page = client.listMultipartUploads(b -> b.bucket(config.bucket()).prefix(listed).keyMarker(km).uploadIdMarker(um));
      } catch (SdkException e) {
        throw S3Errors.translate(e, Call.READ, "ListMultipartUploads " + listed, describe());
      }
      for (MultipartUpload upload : page.uploads()) {
        try {
          client.abortMultipartUpload(b -> b.bucket(config.bucket()).key(upload.key()).uploadId(upload.uploadId()));
          aborted++;
        } catch (SdkException e) {
          if (!S3Errors.isNotFound(e)) { // gone meanwhile: completed or aborted by its owner
            throw S3Errors.translate(e, Call.WRITE, "AbortMultipartUpload " + upload.uploadId(), describe());
          }
        }
      }
      if (!Boolean.TRUE.equals(page.isTruncated())) {
        return aborted;
      }
      keyMarker = page.nextKeyMarker();
      uploadIdMarker = page.nextUploadIdMarker();
    }
  }

  @Override
  public void delete(Collection<BlobPath> paths) throws IOException {
    List<ObjectIdentifier> batch = new ArrayList<>(Math.min(paths.size(), DELETE_BATCH));
    for (BlobPath path : paths) {
      batch.add(ObjectIdentifier.builder().key(objectKey(path)).build());
      if (batch.size() == DELETE_BATCH) {
        deleteBatch(batch);
        batch.clear();
      }
    }
    if (!batch.isEmpty()) {
      deleteBatch(batch);
    }
  }

  private void deleteBatch(List<ObjectIdentifier> batch) throws IOException {
    Delete delete = Delete.builder().objects(batch).quiet(true).build();
    DeleteObjectsResponse response;
    try {
      response = client.deleteObjects(b -> b.bucket(config.bucket()).delete(delete));
    } catch (SdkException e) {
      throw S3Errors.translate(e, Call.WRITE, "DeleteObjects (" + batch.size() + " keys)", describe());
    }
    if (response.hasErrors() && !response.errors().isEmpty()) {
      String errors = response.errors().stream()
          .limit(5)
          .map(error -> "s3://" + config.bucket() + "/" + error.key() + " (" + error.code() + ": "
              + error.message() + ")")
          .collect(Collectors.joining(", "));
      throw new StorageException("S3 DeleteObjects in " + describe() + " failed for "
          + response.errors().size() + " of " + batch.size() + " keys: " + errors);
    }
  }

  @Override
  public void close() {
    client.close();
  }

  private String objectKey(BlobPath path) {
    return config.objectKey(path.key());
  }

  private String location(BlobPath path) {
    return "s3://" + config.bucket() + "/" + objectKey(path);
  }

  private StorageException readFailure(SdkException e, String operation, BlobPath path) {
    boolean noBucket = e instanceof AwsServiceException service && service.awsErrorDetails() != null
        && "NoSuchBucket".equals(service.awsErrorDetails().errorCode());
    if (S3Errors.isNotFound(e) && !noBucket) {
      return new BlobNotFoundException(describe(), path);
    }
    return S3Errors.translate(e, Call.READ, operation, location(path));
  }

  /** The object size from {@code Content-Range: bytes a-b/size}, else the whole response's. */
  private static long totalSize(GetObjectResponse response) {
    String contentRange = response.contentRange();
    if (contentRange != null) {
      int slash = contentRange.lastIndexOf('/');
      if (slash >= 0 && !contentRange.endsWith("*")) {
        return Long.parseLong(contentRange.substring(slash + 1).trim());
      }
    }
    return response.contentLength() == null ? -1 : response.contentLength();
  }

  /**
   * Closing a response stream early makes the HTTP client drain the rest of the body to reuse the
   * connection; for a large object that is slower than dropping the connection, so abort instead.
   */
  private static final class AbortingStream extends FilterInputStream {
    private final ResponseInputStream<?> response;
    private long remaining;

    AbortingStream(ResponseInputStream<?> response, Long length) {
      super(response);
      this.response = response;
      this.remaining = length == null ? Long.MAX_VALUE : length;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        remaining--;
      } else {
        remaining = 0;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int from, int count) throws IOException {
      int read = super.read(buffer, from, count);
      if (read > 0) {
        remaining -= read;
      } else if (read < 0) {
        remaining = 0;
      }
      return read;
    }

    @Override
    public long skip(long count) throws IOException {
      long skipped = super.skip(count);
      remaining -= skipped;
      return skipped;
    }

    @Override
    public void close() throws IOException {
      if (remaining > 0) {
        response.abort();
      }
      super.close();
    }
  }
}
