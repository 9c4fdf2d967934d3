package io.des.archive;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.des.catalog.CatalogState;
import io.des.catalog.LiveShard;
import io.des.catalog.ShardCatalog;
import io.des.format.EntryNotFoundException;
import io.des.format.IndexEntry;
import io.des.format.ReaderLimits;
import io.des.format.ShardReader;
import io.des.routing.CreatedAt;
import io.des.routing.Router;
import io.des.routing.ShardKey;
import io.des.storage.BlobPath;
import io.des.storage.BlobStore;
import io.des.tombstone.FileDeletedException;
import io.des.tombstone.Tombstone;
import io.des.tombstone.TombstoneStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A DES archive: shards, BigFiles and catalogs on one {@link BlobStore}. Finds any file from
 * {@code (uid, created_at)} alone: route to the shard key, read the key's catalog, look the uid up in
 * the live shards' indexes (kept in a cache bounded in bytes). Thread-safe.
 */
public final class Archive {
  private final BlobStore store;
  private final Router router;
  private final ShardCatalog catalog;
  private final TombstoneStore tombstones;
  private final ReaderLimits limits;
  /** Readers of shards by name, each holding its index: weighed by the index, the cache's bound. */
  private final Cache<String, ShardReader> indexes;
  /** Opens a reader on a cache miss; a field, so that a hit allocates nothing. */
  private final java.util.function.Function<String, ShardReader> openReader = this::openReader;
  private final Cache<ShardKey, CachedCatalog> catalogs;
  private final long catalogTtlNanos;

  /** How long a reader trusts a key's catalog before reading it again. */
  public static final Duration DEFAULT_CATALOG_TTL = Duration.ofSeconds(5);
  /** A miss reloads the key's catalog, but not more often than this. */
  private static final long MISS_RELOAD_NANOS = Duration.ofSeconds(1).toNanos();

  private record CachedCatalog(CatalogState state, long loadedNanos) {}

  /** An archive that may hold shards without a catalog (any folder, including upstream's). */
  public Archive(BlobStore store, int nBits, ReaderLimits limits, long indexCacheBytes) {
    this(store, nBits, ShardCatalog.Uncataloged.LIST_SHARD_FILES, limits, indexCacheBytes);
  }

  public Archive(BlobStore store, int nBits, ShardCatalog.Uncataloged uncataloged, ReaderLimits limits, long indexCacheBytes) {
    this(store, nBits, uncataloged, limits, indexCacheBytes, DEFAULT_CATALOG_TTL);
  }

  /**
   * @param catalogTtl how long a key's catalog is trusted: a shard swapped in by a repack is seen by
   *     every reader within this time (a file packed later is found at once: a miss reloads)
   */
  public Archive(BlobStore store, int nBits, ShardCatalog.Uncataloged uncataloged, ReaderLimits limits, long indexCacheBytes,
      Duration catalogTtl) {
    this.catalogs = Caffeine.newBuilder().maximumSize(100_000).build(); // aged by locateIn, which refreshes in place
    this.catalogTtlNanos = catalogTtl.toNanos();
    this.store = store;
    this.router = new Router(nBits);
    this.catalog = new ShardCatalog(store, uncataloged);
    this.tombstones = new TombstoneStore(store);
    this.limits = limits;
    this.indexes =
        Caffeine.newBuilder()
            .maximumWeight(indexCacheBytes)
            .weigher((String name, ShardReader reader) -> (int) Math.min(Integer.MAX_VALUE, reader.index().estimatedHeapBytes()))
            .expireAfterAccess(INDEX_TTL) // shards are immutable; the TTL only frees idle ones
            .recordStats()
            // synchronous, unlike a removal listener (run later on the common pool): the counts are
            // current as soon as the eviction is
            .evictionListener((String name, ShardReader reader, RemovalCause cause) -> evictions.get(cause).increment())
            .build();
  }

  /** An index not used for this long is dropped from the cache. */
  public static final Duration INDEX_TTL = Duration.ofMinutes(10);

  private final java.util.Map<RemovalCause, java.util.concurrent.atomic.LongAdder> evictions = evictionCounters();

  private static java.util.Map<RemovalCause, java.util.concurrent.atomic.LongAdder> evictionCounters() {
    java.util.Map<RemovalCause, java.util.concurrent.atomic.LongAdder> map = new java.util.EnumMap<>(RemovalCause.class);
    for (RemovalCause cause : RemovalCause.values()) {
      map.put(cause, new java.util.concurrent.atomic.LongAdder());
    }
    return java.util.Collections.unmodifiableMap(map);
  }

  /** What the index cache holds and did, for metrics. */
  public record IndexCacheStats(long weightedBytes, long entries, long hits, long misses, java.util.Map<RemovalCause, Long> removals) {}

  public IndexCacheStats indexCacheStats() {
    indexes.cleanUp(); // apply pending evictions, so the numbers hold the bound
    CacheStats stats = indexes.stats();
    java.util.Map<RemovalCause, Long> removals = new java.util.EnumMap<>(RemovalCause.class);
    evictions.forEach((cause, count) -> removals.put(cause, count.sum()));
    long weighted = indexes.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
    return new IndexCacheStats(weighted, indexes.estimatedSize(), stats.hitCount(), stats.missCount(), removals);
  }

  /**
   * Opens an archive with the routing bits it records, or {@code nBits} when it records none (an
   * empty archive or an upstream folder).
   *
   * @throws IOException if the archive records other bits than an explicitly requested {@code
   *     nBits}
   */
  public static Archive open(BlobStore store, Integer nBits, ReaderLimits limits) throws IOException {
    return open(store, nBits, limits, DEFAULT_CATALOG_TTL);
  }

  /**
   * As {@link #open(BlobStore, Integer, ReaderLimits)}, trusting each key's catalog for {@code
   * catalogTtl} (see the constructor); it must stay well below the repack grace period.
   */
  public static Archive open(BlobStore store, Integer nBits, ReaderLimits limits, Duration catalogTtl) throws IOException {
    ArchiveSettings settings = ArchiveSettings.read(store);
    if (settings != null && nBits != null && settings.nBits() != nBits) {
      throw new IOException(
          "Archive " + store.describe() + " uses n_bits " + settings.nBits() + ", not " + nBits);
    }
    int bits = settings != null ? settings.nBits() : nBits != null ? nBits : 8;
    ShardCatalog.Uncataloged uncataloged = settings != null ? settings.uncataloged() : ShardCatalog.Uncataloged.LIST_SHARD_FILES;
    return new Archive(store, bits, uncataloged, limits, defaultIndexCacheBytes(), catalogTtl);
  }

  /**
   * An archive whose routing bits the caller knows (a zones file says them), opened without any
   * request: a replica that is down when the service starts does not stop it from starting. Keys
   * without a catalog are listed, as for any folder.
   */
  public static Archive withBits(BlobStore store, int nBits, ReaderLimits limits) {
    return withBits(store, nBits, limits, DEFAULT_CATALOG_TTL);
  }

  /** As {@link #withBits(BlobStore, int, ReaderLimits)}, trusting each key's catalog for {@code catalogTtl}. */
  public static Archive withBits(BlobStore store, int nBits, ReaderLimits limits, Duration catalogTtl) {
    return new Archive(store, nBits, ShardCatalog.Uncataloged.LIST_SHARD_FILES, limits, defaultIndexCacheBytes(), catalogTtl);
  }

  /**
   * Opens an archive for writing: with the settings it records, or records {@code nBits} (and
   * whether it already holds upstream shards) if it has none.
   */
  public static Archive create(BlobStore store, int nBits, ReaderLimits limits) throws IOException {
    return create(store, Integer.valueOf(nBits), limits);
  }

  /**
   * As {@link #create(BlobStore, int, ReaderLimits)}; with {@code nBits} null the archive keeps the
   * bits it records, and a new one gets 8.
   */
  public static Archive create(BlobStore store, Integer nBits, ReaderLimits limits) throws IOException {
    ArchiveSettings settings = ArchiveSettings.readOrCreate(store, nBits);
    return new Archive(store, settings.nBits(), settings.uncataloged(), limits, defaultIndexCacheBytes());
  }

  /** An eighth of the heap, at most 64 MiB: memory follows -Xmx. */
  private static long defaultIndexCacheBytes() {
    return Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 8);
  }

  public BlobStore store() {
    return store;
  }

  public Router router() {
    return router;
  }

  public ShardCatalog catalog() {
    return catalog;
  }

  /** The archive's tombstones and erasure records. */
  public TombstoneStore tombstones() {
    return tombstones;
  }

  public ReaderLimits limits() {
    return limits;
  }

  /** A reader for a shard at the archive's root, its index cached: a hit is one cache lookup. */
  public ShardReader shard(String name) throws IOException {
    try {
      return indexes.get(name, openReader);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private ShardReader openReader(String name) {
    try {
      return ShardReader.open(store, BlobPath.of(name), limits);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where a file is: the shard reader and its index entry. */
  public record Located(ShardReader shard, IndexEntry entry) {}

  /**
   * Finds a file that was not deleted. The tombstone is read before the shard, on every call (a
   * tombstone found is cached, an absence never is), so a file is not served once its DELETE has
   * returned, by any reader of the store: one extra request per read, a stat-sized GET.
   *
   * @throws FileDeletedException if a tombstone hides the file, whether or not its bytes are erased
   * @throws EntryNotFoundException naming the uid, the date and the archive
   */
  public Located locate(String uid, CreatedAt createdAt) throws IOException {
    ShardKey key = router.route(uid, createdAt.routingDate());
    Optional<Tombstone> tombstone = tombstones.find(key, uid);
    if (tombstone.isPresent()) {
      throw new FileDeletedException(tombstone.get());
    }
    Optional<Located> found = locateIn(key, uid);
    if (found.isEmpty()) {
      throw new EntryNotFoundException(
          "UID '" + uid + "' not found for date " + key.dateDir() + " in " + store.describe());
    }
    return found.get();
  }

  /**
   * Looks a uid up in the live shards of a key, newest shard first. Does not read tombstones: for
   * tools that work on stored bytes (repack, verification), not for serving files.
   */
  public Optional<Located> locateIn(ShardKey key, String uid) throws IOException {
    CachedCatalog cached = catalogs.getIfPresent(key);
    if (cached == null) {
      cached = loadCatalog(key, null);
    } else if (System.nanoTime() - cached.loadedNanos() >= catalogTtlNanos) {
      cached = loadCatalog(key, cached);
    }
    Optional<Located> found = search(cached.state(), uid);
    if (found.isEmpty() && System.nanoTime() - cached.loadedNanos() >= MISS_RELOAD_NANOS) {
      found = search(loadCatalog(key, cached).state(), uid); // perhaps packed since we looked
    }
    return found;
  }

  /** Loads the key's catalog, or refreshes the one loaded before (one probe when unchanged). */
  private CachedCatalog loadCatalog(ShardKey key, CachedCatalog before) throws IOException {
    CatalogState state = before == null ? catalog.load(key) : catalog.refresh(before.state());
    CachedCatalog fresh = new CachedCatalog(state, System.nanoTime());
    catalogs.put(key, fresh);
    return fresh;
  }

  private Optional<Located> search(CatalogState state, String uid) throws IOException {
    List<LiveShard> shards = state.shards();
    for (int i = shards.size() - 1; i >= 0; i--) {
      ShardReader reader = shard(shards.get(i).name());
      Optional<IndexEntry> entry = reader.index().find(uid);
      if (entry.isPresent()) {
        return Optional.of(new Located(reader, entry.get()));
      }
    }
    return Optional.empty();
  }
}
