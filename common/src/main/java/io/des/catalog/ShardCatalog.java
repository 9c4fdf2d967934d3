package io.des.catalog;

import io.des.routing.ShardKey;
import io.des.storage.BlobAlreadyExistsException;
import io.des.storage.BlobInfo;
import io.des.storage.BlobNotFoundException;
import io.des.storage.BlobPath;
import io.des.storage.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Finds and changes the live shards of a shard key without a database and without a LIST per read.
 *
 * <p>Each change is a new generation {@code _catalog/<date>/<hex>/<generation>.json}, written with
 * an exclusive create: of two writers that both read generation N, exactly one creates N+1 and the
 * other re-reads and retries. Generations are never modified. {@code head.json} beside them is a
 * hint (a copy of a recent generation, replaced after each commit from generation 2 on). A reader
 * reads generation 1 first (a key without a catalog costs that one GET), then the hint, then probes
 * the generation after the newer of the two. A hint that lags (a slow writer
 * overwrote a newer one) costs extra probes, never a wrong answer. See docs/layout.md.
 */
public final class ShardCatalog {
  /** Catalog generations are small; anything bigger is refused rather than loaded. */
  static final int MAX_GENERATION_BYTES = 16 << 20;
  private static final int MAX_COMMIT_ATTEMPTS = 20;

  /** What a key without a catalog holds. */
  public enum Uncataloged {
    /** Possibly shards written without a catalog (by upstream): list {@code <date>_<hex>_*.des}. */
    LIST_SHARD_FILES,
    /** Nothing: the archive was created by DES, every shard of it is in a catalog. No LIST. */
    NOTHING
  }

  private final BlobStore store;
  private final Clock clock;
  private final String writer;
  private final Uncataloged uncataloged;

  public ShardCatalog(BlobStore store, Clock clock, String writer, Uncataloged uncataloged) {
    this.store = store;
    this.clock = clock;
    this.writer = writer;
    this.uncataloged = uncataloged;
  }

  /** A catalog that lists the shard files of keys without a catalog (safe for any folder). */
  public ShardCatalog(BlobStore store) {
    this(store, Clock.systemUTC(), defaultWriter(), Uncataloged.LIST_SHARD_FILES);
  }

  public ShardCatalog(BlobStore store, Uncataloged uncataloged) {
    this(store, Clock.systemUTC(), defaultWriter(), uncataloged);
  }

  /** What this catalog assumes a key without a catalog holds. */
  public Uncataloged uncataloged() {
    return uncataloged;
  }

  /** The folder of a key's catalog. */
  public static String folder(ShardKey key) {
    return "_catalog/" + key.dateDir() + "/" + key.shardHex();
  }

  static BlobPath generationPath(ShardKey key, long generation) {
    return BlobPath.of(folder(key) + "/" + ShardName.zeroPadded(generation, 10) + ".json");
  }

  static BlobPath headPath(ShardKey key) {
    return BlobPath.of(folder(key) + "/head.json");
  }

  /**
   * The newest generation of a key. For a key without a catalog this is generation 0: made from
   * listing the shard files of the key (how upstream-written folders stay readable) unless the
   * archive is known to have no uncataloged shards, else empty.
   */
  public CatalogState load(ShardKey key) throws IOException {
    // Generation 1 first: a key without a catalog (each key of a new day, what packing meets most)
    // costs one read, not two. Generations are contiguous and never deleted, so none means no catalog.
    byte[] first = readSmall(generationPath(key, 1));
    if (first == null) {
      return withoutCatalog(key);
    }
    CatalogState state = CatalogCodec.read(generationPath(key, 1).key(), first, key, 1);
    byte[] head = readSmall(headPath(key));
    if (head != null) {
      try {
        CatalogState hint = CatalogCodec.read(headPath(key).key(), head, key, -1);
        if (hint.generation() > state.generation()) {
          state = hint;
        }
      } catch (CorruptCatalogException unreadableHint) {
        // only a hint: probe on from generation 1 instead
      }
    }
    return probeFrom(key, state);
  }

  /**
   * The newest generation of the key of {@code known}, a state loaded earlier: the generations after
   * it are probed, which costs one missing read when nothing changed (generations are contiguous
   * and never deleted, so none can be skipped). A state without a generation (a key that had no
   * catalog) is loaded afresh.
   */
  public CatalogState refresh(CatalogState known) throws IOException {
    return known.generation() == 0 ? load(known.key()) : probeFrom(known.key(), known);
  }

  /** The newest generation after {@code state}, a generation read earlier. */
  private CatalogState probeFrom(ShardKey key, CatalogState state) throws IOException {
    while (true) {
      BlobPath next = generationPath(key, state.generation() + 1);
      byte[] bytes = readSmall(next);
      if (bytes == null) {
        return state;
      }
      state = CatalogCodec.read(next.key(), bytes, key, state.generation() + 1);
    }
  }

  private CatalogState withoutCatalog(ShardKey key) throws IOException {
    return uncataloged == Uncataloged.LIST_SHARD_FILES ? fromListing(key) : CatalogState.empty(key);
  }

  /**
   * Commits {@code change} applied to the newest generation as the next generation, retrying when
   * another writer committed first (the change is re-applied to the newer state, so it must be a
   * pure function of it).
   *
   * @param fence the caller's fencing token (0 when the caller holds no lock); a commit is refused
   *     when the key's catalog already carries a higher token, so a writer that lost its lock and
   *     was overtaken can never make its shard live
   * @throws CatalogConflictException if refused by the fence, or still losing after many attempts
   */
  public CatalogState commit(ShardKey key, long fence, UnaryOperator<CatalogState> change) throws IOException {
    return commit(key, fence, change, null);
  }

  /**
   * As {@link #commit(ShardKey, long, UnaryOperator)}, with a state the caller loaded or committed
   * earlier as the base of the first attempt, which saves reading the catalog again. A stale base
   * is harmless: its next generation already exists, the create fails, and the retry reloads.
   */
  public CatalogState commit(ShardKey key, long fence, UnaryOperator<CatalogState> change, CatalogState base)
      throws IOException {
    for (int attempt = 1; attempt <= MAX_COMMIT_ATTEMPTS; attempt++) {
      CatalogState current = attempt == 1 && base != null ? base : load(key);
      if (current.fence() > fence) {
        throw new CatalogConflictException(
            "Commit to " + key + " refused: fencing token " + fence + " is older than " + current.fence()
                + " recorded in generation " + current.generation());
      }
      CatalogState changed = change.apply(current);
      CatalogState next =
          new CatalogState(
              key,
              current.generation() + 1,
              changed.nBits(),
              changed.nextSeq(),
              Math.max(fence, current.fence()),
              changed.shards(),
              changed.retired(),
              clock.instant(),
              writer);
      byte[] json = CatalogCodec.write(next);
      try {
        store.putExclusive(generationPath(key, next.generation()), json);
      } catch (BlobAlreadyExistsException lost) {
        backoff(attempt);
        continue;
      }
      // Best effort: a failed or lagging hint only costs readers extra probes. Generation 1 needs
      // none (readers without a hint probe from 1), which saves a file per new key while packing.
      if (next.generation() > 1) {
        try {
          store.putReplace(headPath(key), json);
        } catch (IOException ignored) {
          // The generation is committed; the hint catches up on the next commit.
        }
      }
      return next;
    }
    throw new CatalogConflictException(
        "Commit to " + key + " lost to concurrent writers " + MAX_COMMIT_ATTEMPTS + " times in a row");
  }

  private CatalogState fromListing(ShardKey key) throws IOException {
    List<LiveShard> shards = new ArrayList<>();
    int nextSeq = 0;
    String prefix = key.prefix();
    try (Stream<BlobInfo> listing = store.list(prefix)) {
      for (BlobInfo info : (Iterable<BlobInfo>) listing::iterator) {
        if (info.path().key().contains("/")) {
          continue;
        }
        var name = ShardName.parse(info.path().key());
        if (name.isPresent() && name.get().key().equals(key)) {
          // Without a catalog, only first versions are live (repack always writes a catalog).
          if (name.get().revision() == 1) {
            shards.add(new LiveShard(info.path().key(), info.size(), -1));
          }
          nextSeq = Math.max(nextSeq, name.get().seq() + 1);
        }
      }
    }
    CatalogState empty = CatalogState.empty(key);
    return new CatalogState(key, 0, 0, nextSeq, 0, shards, List.of(), empty.committedAt(), "");
  }

  private byte[] readSmall(BlobPath path) throws IOException {
    try (InputStream in = store.open(path)) {
      byte[] bytes = in.readNBytes(MAX_GENERATION_BYTES + 1);
      if (bytes.length > MAX_GENERATION_BYTES) {
        throw new CorruptCatalogException(path.key(), "larger than " + MAX_GENERATION_BYTES + " bytes");
      }
      return bytes;
    } catch (BlobNotFoundException e) {
      return null;
    }
  }

  private static void backoff(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(1, 5L * Math.min(attempt, 10)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String defaultWriter() {
    String host = System.getenv().getOrDefault("HOSTNAME", "localhost");
    return "des@" + host + "/" + ProcessHandle.current().pid();
  }
}
