package io.des.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * A {@link BlobStore} wrapper for tests that injects faults on demand and counts calls, so tests
 * can assert retry behaviour against a real backend instead of a mock. Switches are per instance
 * and thread-safe. Writes are commits of {@link #createExclusive} uploads, {@link #putReplace} and
 * {@link #delete}; reads are {@link #open}, {@link #openRange} and {@link #readTail}. {@link
 * #stat} and {@link #list} are counted separately and never faulted.
 */
public final class FaultyBlobStore implements BlobStore {
  private final BlobStore delegate;
  private final AtomicInteger failWrites = new AtomicInteger();
  /** Writes still allowed before every write fails (a crash at a chosen point); -1 means no limit. */
  private final AtomicInteger writesBeforeCrash = new AtomicInteger(-1);
  private final AtomicInteger failReads = new AtomicInteger();
  private final AtomicInteger loseWriteResponses = new AtomicInteger();
  private final AtomicReference<Duration> readDelay = new AtomicReference<>(Duration.ZERO);
  private final AtomicInteger reads = new AtomicInteger();
  private final AtomicInteger rangedReads = new AtomicInteger();
  private final AtomicInteger tailReads = new AtomicInteger();
  private final AtomicInteger writes = new AtomicInteger();
  private final AtomicInteger stats = new AtomicInteger();
  private final AtomicInteger lists = new AtomicInteger();
  private final java.util.concurrent.atomic.AtomicBoolean dead = new java.util.concurrent.atomic.AtomicBoolean();
  private final java.util.List<PendingHook> hooks = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** A call that a {@link #before hook} can be put in front of. */
  public enum Call {
    STAT,
    LIST,
    /** The commit of an exclusive create, {@link #putExclusive} included. */
    CREATE,
    DELETE
  }

  /** What a test runs at a chosen point; it may call this store. */
  @FunctionalInterface
  public interface Hook {
    void run() throws IOException;
  }

  private record PendingHook(Call call, String keyPrefix, Hook hook) {}

  public FaultyBlobStore(BlobStore delegate) {
    this.delegate = delegate;
  }

  /** The next {@code n} writes throw {@link RetryableStorageException} without reaching the store. */
  public FaultyBlobStore failNextWrites(int n) {
    failWrites.set(n);
    return this;
  }

  /**
   * After {@code n} more writes succeed, every write fails with {@link RetryableStorageException}
   * without reaching the store, as if the writer had died at that point; {@link #reset} ends it.
   */
  public FaultyBlobStore crashAfterWrites(int n) {
    writesBeforeCrash.set(n);
    return this;
  }

  /**
   * The writer dies here, as with {@code kill -9}: from now on every call through this store fails
   * without reaching the backend, and uploads it opened are left as they are (not aborted, not
   * committed), for another process to resume or clean up. {@link #reset} revives it.
   */
  public FaultyBlobStore die() {
    dead.set(true);
    return this;
  }

  /** The next {@code n} reads throw {@link RetryableStorageException} without reaching the store. */
  public FaultyBlobStore failNextReads(int n) {
    failReads.set(n);
    return this;
  }

  /**
   * The next {@code n} writes reach the store and then throw {@link
   * StorageOutcomeUnknownException}, as if the response had been lost.
   */
  public FaultyBlobStore loseNextWriteResponses(int n) {
    loseWriteResponses.set(n);
    return this;
  }

  /** Every read waits {@code delay} before reaching the store ({@link Duration#ZERO} to stop). */
  public FaultyBlobStore slowReads(Duration delay) {
    readDelay.set(delay);
    return this;
  }

  /**
   * Runs {@code hook} once, in the calling thread, just before the next {@code call} whose key (for
   * {@link Call#LIST}: whose listed prefix) starts with {@code keyPrefix} reaches the store: for races
   * at a chosen point. Hooks for the same call run in the order they were set.
   */
  public FaultyBlobStore before(Call call, String keyPrefix, Hook hook) {
    hooks.add(new PendingHook(call, keyPrefix, hook));
    return this;
  }

  private void runHook(Call call, String key) throws IOException {
    for (PendingHook h : hooks) {
      if (h.call() == call && key.startsWith(h.keyPrefix()) && hooks.remove(h)) { // once, whichever thread gets it
        h.hook().run();
        return;
      }
    }
  }

  /** Reads attempted, failed ones included: {@link #rangedReads()} + {@link #tailReads()} + opens. */
  public int reads() {
    return reads.get();
  }

  public int rangedReads() {
    return rangedReads.get();
  }

  public int tailReads() {
    return tailReads.get();
  }

  /** Writes attempted, failed ones included. */
  public int writes() {
    return writes.get();
  }

  public int stats() {
    return stats.get();
  }

  public int lists() {
    return lists.get();
  }

  /** Turns every switch off and zeroes every counter. */
  public void reset() {
    failWrites.set(0);
    writesBeforeCrash.set(-1);
    failReads.set(0);
    loseWriteResponses.set(0);
    readDelay.set(Duration.ZERO);
    dead.set(false);
    hooks.clear();
    for (AtomicInteger counter : new AtomicInteger[] {reads, rangedReads, tailReads, writes, stats, lists}) {
      counter.set(0);
    }
  }

  @Override
  public String describe() {
    return delegate.describe();
  }

  @Override
  public Optional<BlobInfo> stat(BlobPath path) throws IOException {
    stats.incrementAndGet();
    checkAlive("stat", path);
    runHook(Call.STAT, path.key());
    return delegate.stat(path);
  }

  @Override
  public InputStream openRange(BlobPath path, long offset, long length) throws IOException {
    rangedReads.incrementAndGet();
    beforeRead("openRange", path);
    return delegate.openRange(path, offset, length);
  }

  @Override
  public Tail readTail(BlobPath path, int length) throws IOException {
    tailReads.incrementAndGet();
    beforeRead("readTail", path);
    return delegate.readTail(path, length);
  }

  @Override
  public InputStream open(BlobPath path) throws IOException {
    beforeRead("open", path);
    return delegate.open(path);
  }

  @Override
  public BlobUpload createExclusive(BlobPath path) throws IOException {
    checkAlive("create", path);
    return new FaultyUpload(path, delegate.createExclusive(path));
  }

  @Override
  public BlobInfo putReplace(BlobPath path, byte[] content) throws IOException {
    beforeWrite("putReplace", path);
    BlobInfo info = delegate.putReplace(path, content);
    afterWrite("putReplace", path);
    return info;
  }

  @Override
  public Stream<BlobInfo> list(String prefix) throws IOException {
    lists.incrementAndGet();
    checkAlive("list", prefix + "*");
    runHook(Call.LIST, prefix);
    return delegate.list(prefix);
  }

  @Override
  public BlobUpload createResumable(BlobPath path) throws IOException {
    checkAlive("create", path);
    return new FaultyUpload(path, delegate.createResumable(path));
  }

  @Override
  public BlobUpload resume(UploadCheckpoint checkpoint) throws IOException {
    checkAlive("resume", checkpoint.path());
    return new FaultyUpload(checkpoint.path(), delegate.resume(checkpoint));
  }

  @Override
  public int abortUploads(String keyPrefix) throws IOException {
    checkAlive("abortUploads", keyPrefix + "*");
    return delegate.abortUploads(keyPrefix);
  }

  @Override
  public void delete(Collection<BlobPath> paths) throws IOException {
    BlobPath first = paths.isEmpty() ? null : paths.iterator().next();
    for (BlobPath p : paths) {
      runHook(Call.DELETE, p.key());
    }
    beforeWrite("delete", first);
    delegate.delete(paths);
    afterWrite("delete", first);
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }

  private void checkAlive(String operation, Object path) throws RetryableStorageException {
    if (dead.get()) {
      throw new RetryableStorageException("Injected death: " + operation + " " + path + " in " + describe() + " after die()", null);
    }
  }

  private void beforeRead(String operation, BlobPath path) throws IOException {
    reads.incrementAndGet();
    checkAlive(operation, path);
    Duration delay = readDelay.get();
    if (!delay.isZero()) {
      try {
        Thread.sleep(delay.toMillis(), delay.toNanosPart() % 1_000_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("Interrupted in an injected delay before " + operation + " " + path);
      }
    }
    if (takeOne(failReads)) {
      throw new RetryableStorageException(
          "Injected read failure: " + operation + " " + path + " in " + describe(), null);
    }
  }

  private void beforeWrite(String operation, BlobPath path) throws RetryableStorageException {
    writes.incrementAndGet();
    checkAlive(operation, path);
    if (writesBeforeCrash.getAndUpdate(n -> n > 0 ? n - 1 : n) == 0 || takeOne(failWrites)) {
      throw new RetryableStorageException(
          "Injected write failure: " + operation + " " + path + " in " + describe(), null);
    }
  }

  private void afterWrite(String operation, BlobPath path) throws StorageOutcomeUnknownException {
    if (takeOne(loseWriteResponses)) {
      throw new StorageOutcomeUnknownException("Injected lost response: " + operation + " " + path
          + " in " + describe() + " was applied; check before retrying", null);
    }
  }

  private static boolean takeOne(AtomicInteger remaining) {
    return remaining.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
  }

  /** Applies the write switches at commit, where the blob would appear. */
  private final class FaultyUpload implements BlobUpload {
    private final BlobPath path;
    private final BlobUpload upload;

    FaultyUpload(BlobPath path, BlobUpload upload) {
      this.path = path;
      this.upload = upload;
    }

    private final OutputStream out = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        checkAlive("write", path);
        upload.out().write(b);
      }

      @Override
      public void write(byte[] bytes, int from, int count) throws IOException {
        checkAlive("write", path);
        upload.out().write(bytes, from, count);
      }

      @Override
      public void flush() throws IOException {
        checkAlive("flush", path);
        upload.out().flush();
      }
    };

    @Override
    public OutputStream out() {
      return out;
    }

    @Override
    public long written() {
      return upload.written();
    }

    @Override
    public java.util.Optional<UploadCheckpoint> boundary() throws IOException {
      checkAlive("boundary", path);
      return upload.boundary();
    }

    @Override
    public BlobInfo commit() throws IOException {
      runHook(Call.CREATE, path.key());
      try {
        beforeWrite("commit", path);
      } catch (RetryableStorageException e) {
        upload.close(); // a retryable failure leaves nothing behind
        throw e;
      }
      BlobInfo info = upload.commit();
      afterWrite("commit", path);
      return info;
    }

    @Override
    public void close() throws IOException {
      if (!dead.get()) { // a dead writer cleans nothing up
        upload.close();
      }
    }
  }
}
