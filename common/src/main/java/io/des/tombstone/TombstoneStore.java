package io.des.tombstone;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.des.routing.ShardKey;
import io.des.storage.BlobAlreadyExistsException;
import io.des.storage.BlobInfo;
import io.des.storage.BlobNotFoundException;
import io.des.storage.BlobPath;
import io.des.storage.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Tombstones and erasure records on the archive's own {@link BlobStore}, so that every reader of the
 * archive (any retriever replica, {@code des get}) sees a deletion without any other service.
 *
 * <p>Layout: {@code _tombstones/<date>/<hex>/<sha256(uid)>.json}, one blob per deleted file, written
 * with an exclusive create. Two DELETEs never lose each other (there is no read-modify-write, unlike
 * upstream's sidecar), and of two DELETEs of one file exactly one creates the tombstone. Erasure
 * records sit at the same relative names under {@code _erasures/}. Thread-safe.
 */
public final class TombstoneStore {
  public static final String TOMBSTONES = "_tombstones/";
  public static final String ERASURES = "_erasures/";
  private static final int MAX_RECORD_BYTES = 64 << 10;

  private final BlobStore store;
  /** Tombstones are never removed, so a found one may be cached; an absent one never is. */
  private final Cache<String, Tombstone> found = Caffeine.newBuilder().maximumSize(100_000).build();

  public TombstoneStore(BlobStore store) {
    this.store = store;
  }

  public BlobStore store() {
    return store;
  }

  /** The SHA-256 of the uid's UTF-8 bytes, in lower-case hex: the name of its records. */
  public static String uidHash(String uid) {
    MessageDigest sha = SHA256.get(); // digest() resets it for the next call
    return HEX.formatHex(sha.digest(uid.getBytes(StandardCharsets.UTF_8)));
  }

  private static final HexFormat HEX = HexFormat.of();
  /** One digest per thread: looking the algorithm up costs more than hashing a uid (every read hashes one). */
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  });

  static {
    SHA256.get(); // fail at class load, not on a request, if the JVM lacks it
  }

  /** The folder of one key's records, relative to {@link #TOMBSTONES} or {@link #ERASURES}. */
  public static String keyFolder(ShardKey key) {
    return key.dateDir() + "/" + key.shardHex() + "/";
  }

  public static BlobPath tombstonePath(ShardKey key, String uid) {
    return BlobPath.of(TOMBSTONES + keyFolder(key) + uidHash(uid) + ".json");
  }

  public static BlobPath erasurePath(ShardKey key, String uid) {
    return BlobPath.of(ERASURES + keyFolder(key) + uidHash(uid) + ".json");
  }

  /**
   * Records a tombstone, durably, before returning.
   *
   * @return true if this call created it; false if the file already had one (which is kept as it is)
   */
  public boolean add(Tombstone tombstone) throws IOException {
    try {
      store.putExclusive(tombstonePath(tombstone.key(), tombstone.uid()), TombstoneCodec.write(tombstone));
      found.put(tombstonePath(tombstone.key(), tombstone.uid()).key(), tombstone);
      return true;
    } catch (BlobAlreadyExistsException exists) {
      return false;
    }
  }

  /** The tombstone of {@code uid} in {@code key}, if it has one. One request unless cached. */
  public Optional<Tombstone> find(ShardKey key, String uid) throws IOException {
    BlobPath path = tombstonePath(key, uid);
    // The probe first: as usual there is no tombstone, and that answer is one request (HEAD; a stat
    // on disk) and no cache lookup. The cache spares reading a tombstone found again.
    if (store.stat(path).isEmpty()) {
      return Optional.empty();
    }
    Tombstone cached = found.getIfPresent(path.key());
    if (cached != null) {
      return Optional.of(cached);
    }
    byte[] json = readSmall(path);
    if (json == null) {
      return Optional.empty();
    }
    Tombstone tombstone = TombstoneCodec.readTombstone(path.key(), json);
    if (!tombstone.key().equals(key) || !tombstone.uid().equals(uid)) {
      throw new CorruptTombstoneException(path.key(), "holds " + tombstone.key() + " '" + tombstone.uid() + "'");
    }
    found.put(path.key(), tombstone);
    return Optional.of(tombstone);
  }

  /** The uid hashes ({@link #uidHash}) tombstoned in a key, from one listing, without reading them. */
  public Set<String> hashes(ShardKey key) throws IOException {
    Set<String> hashes = new HashSet<>();
    try (Stream<BlobInfo> listing = store.list(TOMBSTONES + keyFolder(key))) {
      listing.forEach(info -> hashOf(info.path().key()).ifPresent(hashes::add));
    }
    return hashes;
  }

  /**
   * The tombstones whose relative name starts with {@code prefix} ({@code ""} for all, {@code
   * "20240517/"} for a day, {@link #keyFolder} for a key), in name order, read lazily. Close the
   * stream.
   */
  public Stream<Tombstone> list(String prefix) throws IOException {
    return store.list(TOMBSTONES + prefix).filter(i -> hashOf(i.path().key()).isPresent()).map(this::readTombstone);
  }

  /** The erasure records under {@code prefix}, as {@link #list}. */
  public Stream<ErasureRecord> erasures(String prefix) throws IOException {
    return store.list(ERASURES + prefix).filter(i -> hashOf(i.path().key()).isPresent()).map(this::readErasure);
  }

  /** Records that a tombstoned file's bytes are gone. Idempotent (the last record wins). */
  public void recordErasure(ErasureRecord record) throws IOException {
    store.putReplace(erasurePath(record.key(), record.uid()), TombstoneCodec.write(record));
  }

  /** The erasure record of a file, if its bytes are known to be gone. */
  public Optional<ErasureRecord> erasure(ShardKey key, String uid) throws IOException {
    BlobPath path = erasurePath(key, uid);
    byte[] json = readSmall(path);
    return json == null ? Optional.empty() : Optional.of(TombstoneCodec.readErasure(path.key(), json));
  }

  /** A tombstone and, once its bytes are gone, its erasure record. */
  public record Status(Tombstone tombstone, ErasureRecord erasure) {
    public boolean pending() {
      return erasure == null;
    }
  }

  /**
   * Every tombstone under {@code prefix} with its erasure record, if any, by merging the two sorted
   * listings: two LIST streams and a GET per tombstone, memory independent of the count. With {@code
   * pendingOnly}, the erased ones are skipped without being read. Close the stream.
   */
  public Stream<Status> statuses(String prefix, boolean pendingOnly) throws IOException {
    Stream<BlobInfo> tombstones = store.list(TOMBSTONES + prefix);
    Stream<BlobInfo> erasures;
    try {
      erasures = store.list(ERASURES + prefix);
    } catch (IOException | RuntimeException e) {
      tombstones.close();
      throw e;
    }
    Iterator<BlobInfo> t = tombstones.filter(i -> hashOf(i.path().key()).isPresent()).iterator();
    Iterator<BlobInfo> e = erasures.filter(i -> hashOf(i.path().key()).isPresent()).iterator();
    Iterator<Status> merged = new Iterator<>() {
      private BlobInfo nextErasure = e.hasNext() ? e.next() : null;
      private Status next = advance();

      private Status advance() {
        while (t.hasNext()) {
          BlobInfo tomb = t.next();
          String name = relative(tomb.path().key(), TOMBSTONES);
          while (nextErasure != null && relative(nextErasure.path().key(), ERASURES).compareTo(name) < 0) {
            nextErasure = e.hasNext() ? e.next() : null; // an erasure without a tombstone: ignored
          }
          boolean erased = nextErasure != null && relative(nextErasure.path().key(), ERASURES).equals(name);
          if (erased && pendingOnly) {
            continue;
          }
          return new Status(readTombstone(tomb), erased ? readErasure(nextErasure) : null);
        }
        return null;
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public Status next() {
        if (next == null) {
          throw new NoSuchElementException();
        }
        Status current = next;
        next = advance();
        return current;
      }
    };
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(merged, Spliterator.ORDERED), false)
        .onClose(tombstones::close)
        .onClose(erasures::close);
  }

  private static String relative(String key, String root) {
    return key.substring(root.length());
  }

  /** The uid hash a record's key ends with, or empty for anything else found under the roots. */
  private static Optional<String> hashOf(String key) {
    int slash = key.lastIndexOf('/');
    String name = key.substring(slash + 1);
    if (name.length() == 64 + 5 && name.endsWith(".json") && name.substring(0, 64).matches("[0-9a-f]{64}")) {
      return Optional.of(name.substring(0, 64));
    }
    return Optional.empty();
  }

  private Tombstone readTombstone(BlobInfo info) {
    try {
      byte[] json = readSmall(info.path());
      if (json == null) {
        throw new BlobNotFoundException(store.describe(), info.path());
      }
      return TombstoneCodec.readTombstone(info.path().key(), json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ErasureRecord readErasure(BlobInfo info) {
    try {
      byte[] json = readSmall(info.path());
      if (json == null) {
        throw new BlobNotFoundException(store.describe(), info.path());
      }
      return TombstoneCodec.readErasure(info.path().key(), json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private byte[] readSmall(BlobPath path) throws IOException {
    try (InputStream in = store.open(path)) {
      byte[] bytes = in.readNBytes(MAX_RECORD_BYTES + 1);
      if (bytes.length > MAX_RECORD_BYTES) {
        throw new CorruptTombstoneException(path.key(), "larger than " + MAX_RECORD_BYTES + " bytes");
      }
      return bytes;
    } catch (BlobNotFoundException e) {
      return null;
    }
  }
}
