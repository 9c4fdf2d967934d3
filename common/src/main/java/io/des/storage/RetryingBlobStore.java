package io.des.storage;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.core.functions.CheckedSupplier;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * Retries the reads of a store (stat, open, ranged and tail reads, list) that fail with {@link
 * RetryableStorageException}, with exponential backoff and jitter (Resilience4j). This is the one
 * retry layer: give the store below it no retries of its own (S3: {@code maxAttempts(1)}), so that
 * attempts do not multiply. Writes pass through unretried: whether a write may be repeated is the
 * writer's decision. A stream that fails after it was opened is not resumed.
 */
public final class RetryingBlobStore implements BlobStore {
  private final BlobStore delegate;
  private final Retry retry;
  private final LongAdder retries = new LongAdder();

  /**
   * @param maxAttempts attempts per read, the first included
   * @param initialBackoff wait before the first retry; doubles each time, with 50% jitter
   */
  public RetryingBlobStore(BlobStore delegate, int maxAttempts, Duration initialBackoff) {
    this.delegate = delegate;
    this.retry = Retry.of("des-storage-" + delegate.describe(), RetryConfig.custom()
        .maxAttempts(maxAttempts)
        .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(initialBackoff, 2.0, 0.5))
        .retryExceptions(RetryableStorageException.class)
        .build());
    retry.getEventPublisher().onRetry(e -> retries.increment());
  }

  /** Retries made so far (attempts after a first one failed). */
  public long retries() {
    return retries.sum();
  }

  private <T> T read(CheckedSupplier<T> call) throws IOException {
    try {
      return Retry.decorateCheckedSupplier(retry, call).get();
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new StorageException("Unexpected failure in " + describe() + ": " + t, t);
    }
  }

  @Override
  public String describe() {
    return delegate.describe();
  }

  @Override
  public Optional<BlobInfo> stat(BlobPath path) throws IOException {
    return read(() -> delegate.stat(path));
  }

  @Override
  public InputStream openRange(BlobPath path, long offset, long length) throws IOException {
    return read(() -> delegate.openRange(path, offset, length));
  }

  @Override
  public byte[] readRange(BlobPath path, long offset, int length) throws IOException {
    return read(() -> delegate.readRange(path, offset, length));
  }

  @Override
  public Tail readTail(BlobPath path, int length) throws IOException {
    return read(() -> delegate.readTail(path, length));
  }

  @Override
  public InputStream open(BlobPath path) throws IOException {
    return read(() -> delegate.open(path));
  }

  @Override
  public Stream<BlobInfo> list(String prefix) throws IOException {
    return read(() -> delegate.list(prefix));
  }

  @Override
  public BlobUpload createExclusive(BlobPath path) throws IOException {
    return delegate.createExclusive(path);
  }

  @Override
  public BlobInfo putReplace(BlobPath path, byte[] content) throws IOException {
    return delegate.putReplace(path, content);
  }

  @Override
  public BlobUpload createResumable(BlobPath path) throws IOException {
    return delegate.createResumable(path);
  }

  @Override
  public BlobUpload resume(UploadCheckpoint checkpoint) throws IOException {
    return delegate.resume(checkpoint);
  }

  @Override
  public int abortUploads(String keyPrefix) throws IOException {
    return delegate.abortUploads(keyPrefix);
  }

  @Override
  public void delete(Collection<BlobPath> paths) throws IOException {
    delegate.delete(paths);
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }
}
