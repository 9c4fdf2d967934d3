package io.des.storage;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * A {@link BlobStore} in this JVM's heap, for tests and development: same contract as the other
 * backends (exclusive commits are atomic, listing is sorted), but nothing is durable and nothing
 * bounds its size, uploads included, so keep it away from production data. Each instance is its
 * own store.
 */
public final class InMemoryBlobStore implements BlobStore {
  private final ConcurrentSkipListMap<String, Blob> blobs = new ConcurrentSkipListMap<>();
  private final Set<MemoryUpload> openUploads = ConcurrentHashMap.newKeySet();
  private final String name = "memory:" + Integer.toHexString(System.identityHashCode(this));

  private record Blob(byte[] content, Instant lastModified) {
    BlobInfo info(String key) {
      return new BlobInfo(BlobPath.of(key), content.length, lastModified);
    }
  }

  @Override
  public String describe() {
    return name;
  }

  @Override
  public Optional<BlobInfo> stat(BlobPath path) {
    return Optional.ofNullable(blobs.get(path.key())).map(blob -> blob.info(path.key()));
  }

  @Override
  public InputStream openRange(BlobPath path, long offset, long length) throws IOException {
    BlobRanges.checkRange(path, offset, length);
    if (length == 0) {
      return InputStream.nullInputStream();
    }
    byte[] content = get(path).content();
    if (BlobRanges.beyondEnd(offset, length, content.length)) {
      throw BlobRanges.rangeBeyondEnd(describe(), path, offset, length, content.length);
    }
    return new ByteArrayInputStream(content, (int) offset, (int) length);
  }

  @Override
  public Tail readTail(BlobPath path, int length) throws IOException {
    BlobRanges.checkTailLength(path, length);
    byte[] content = get(path).content();
    int count = Math.min(length, content.length);
    return new Tail(Arrays.copyOfRange(content, content.length - count, content.length), content.length);
  }

  @Override
  public InputStream open(BlobPath path) throws IOException {
    return new ByteArrayInputStream(get(path).content());
  }

  @Override
  public BlobUpload createExclusive(BlobPath path) {
    return new MemoryUpload(path);
  }

  @Override
  public BlobInfo putReplace(BlobPath path, byte[] content) {
    Blob blob = new Blob(content.clone(), Instant.now());
    blobs.put(path.key(), blob);
    return blob.info(path.key());
  }

  @Override
  public Stream<BlobInfo> list(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    // The map's views are weakly consistent and ordered, which is exactly the list contract.
    return blobs.tailMap(prefix, true).entrySet().stream()
        .takeWhile(entry -> entry.getKey().startsWith(prefix))
        .map(entry -> entry.getValue().info(entry.getKey()));
  }

  @Override
  public int abortUploads(String keyPrefix) {
    int aborted = 0;
    for (MemoryUpload upload : openUploads) {
      if (upload.path.key().startsWith(keyPrefix) && upload.abortedElsewhere.compareAndSet(false, true)) {
        openUploads.remove(upload);
        aborted++;
      }
    }
    return aborted;
  }

  @Override
  public void delete(Collection<BlobPath> paths) {
    for (BlobPath path : paths) {
      blobs.remove(path.key());
    }
  }

  private Blob get(BlobPath path) throws BlobNotFoundException {
    Blob blob = blobs.get(path.key());
    if (blob == null) {
      throw new BlobNotFoundException(describe(), path);
    }
    return blob;
  }

  /** Buffers the whole blob; the map's putIfAbsent is the atomic exclusive commit. */
  private final class MemoryUpload implements BlobUpload {
    private final BlobPath path;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final OutputStream out = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        state.checkCanWrite(path);
        buffer.write(b);
      }

      @Override
      public void write(byte[] bytes, int from, int count) throws IOException {
        state.checkCanWrite(path);
        buffer.write(bytes, from, count);
      }
    };
    private final AtomicBoolean abortedElsewhere = new AtomicBoolean();
    private UploadState state = UploadState.OPEN;

    MemoryUpload(BlobPath path) {
      this.path = path;
      openUploads.add(this);
    }

    @Override
    public OutputStream out() {
      return out;
    }

    @Override
    public long written() {
      return buffer.size();
    }

    @Override
    public BlobInfo commit() throws IOException {
      state.checkCanCommit(path);
      state = UploadState.ABORTED; // unless the put below wins
      openUploads.remove(this);
      if (abortedElsewhere.get()) {
        throw new UploadNotFoundException("Upload of " + path + " to " + describe() + " was aborted by abortUploads");
      }
      Blob blob = new Blob(buffer.toByteArray(), Instant.now());
      if (blobs.putIfAbsent(path.key(), blob) != null) {
        throw new BlobAlreadyExistsException(describe(), path);
      }
      state = UploadState.COMMITTED;
      return blob.info(path.key());
    }

    @Override
    public void close() {
      openUploads.remove(this);
      if (state == UploadState.OPEN) {
        state = UploadState.ABORTED;
      }
    }
  }
}
