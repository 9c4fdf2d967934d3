package io.des.verify;

import io.des.archive.Archive;
import io.des.catalog.ArchiveKeys;
import io.des.catalog.LiveShard;
import io.des.format.ShardVerifier;
import io.des.routing.ShardKey;
import io.des.storage.BlobInfo;
import io.des.storage.BlobNotFoundException;
import io.des.storage.BlobPath;
import io.des.storage.BlobStore;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * Verifies every live shard under a {@link VerifyScope} with {@link ShardVerifier}, a bounded number
 * at a time, on any store. Shards are found through the catalogs (and, for keys without one, the
 * shard files), streamed: memory grows with the parallelism, never with the number of shards or
 * entries. Each result goes to the listener and, when recording, to a {@link VerificationStore}
 * before the shard counts as checked.
 *
 * <p>Corruption is reported, never thrown. A live shard missing from the store is reported as a
 * problem of that shard, unless its catalog, read again, no longer lists it: a repack retired and
 * purged it while the run went on (shards are found through the catalogs as the run goes, and a
 * fleet keeps repacking), and it is then told to the listener as {@link
 * VerificationListener#shardRetired}, neither counted nor recorded. Any other storage error stops
 * the run (shards in flight finish) and is thrown.
 */
public final class BulkVerifier {
  private final Archive archive;
  private final int parallel;
  private final VerificationListener listener;
  private final VerificationStore records;
  private final Clock clock;

  /**
   * @param parallel how many shards are checked at once (each holds its index in memory)
   */
  public BulkVerifier(Archive archive, int parallel, VerificationListener listener) {
    this(archive, parallel, listener, null, Clock.systemUTC());
  }

  private BulkVerifier(Archive archive, int parallel, VerificationListener listener, VerificationStore records, Clock clock) {
    if (parallel < 1) {
      throw new IllegalArgumentException("Parallelism must be at least 1, got " + parallel);
    }
    this.archive = archive;
    this.parallel = parallel;
    this.listener = listener;
    this.records = records;
    this.clock = clock;
  }

  /** This verifier, also recording each shard's result in {@code records}, stamped by {@code clock}. */
  public BulkVerifier recordingTo(VerificationStore records, Clock clock) {
    return new BulkVerifier(archive, parallel, listener, records, clock);
  }

  /** What a run checked. */
  public record Summary(long shards, long corruptShards, long entries, long verifiedEntries, long bytes) {
    public boolean ok() {
      return corruptShards == 0;
    }
  }

  /** A shard to check, its size as the catalog or the listing says, and its key when a catalog listed it. */
  private record Target(BlobPath path, long size, ShardKey cataloged) {}

  /**
   * Checks every shard of the scope.
   *
   * @throws FileNotFoundException if a shard named explicitly does not exist
   * @throws IOException on the first storage error other than a missing live shard
   */
  public Summary verify(VerifyScope scope) throws IOException, InterruptedException {
    if (records != null && scope instanceof VerifyScope.Shards named) {
      named.names().forEach(VerificationStore::shardName); // refuse what cannot be recorded before checking anything
    }
    Counts counts = new Counts();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicInteger threads = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
      Thread t = new Thread(r, "des-verify-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    Semaphore slots = new Semaphore(parallel);
    try (Stream<Target> targets = targets(scope)) {
      Iterator<Target> it = targets.iterator();
      while (failure.get() == null && it.hasNext()) {
        Target target = it.next();
        listener.shardFound(target.path().key(), target.size());
        slots.acquire();
        pool.execute(() -> {
          try {
            if (failure.get() == null) {
              check(target).ifPresent(counts::add);
            }
          } catch (Throwable e) {
            failure.compareAndSet(null, e);
          } finally {
            slots.release();
          }
        });
      }
      slots.acquire(parallel); // every check has finished
    } catch (UncheckedIOException e) {
      failure.compareAndSet(null, e.getCause());
      slots.acquire(parallel);
    } finally {
      pool.shutdownNow();
    }
    Throwable thrown = failure.get();
    if (thrown instanceof IOException io) {
      throw io;
    } else if (thrown instanceof UncheckedIOException unchecked) {
      throw unchecked.getCause();
    } else if (thrown instanceof RuntimeException runtime) {
      throw runtime;
    } else if (thrown instanceof Error error) {
      throw error;
    }
    return counts.summary();
  }

  /** The shard's result, or empty when it turned out to be retired. */
  private Optional<ShardVerifier.Result> check(Target target) throws IOException {
    BlobStore store = archive.store();
    ShardVerifier.Result result;
    try {
      result = ShardVerifier.verify(store, target.path(), archive.limits(), listener);
    } catch (BlobNotFoundException missing) {
      if (target.cataloged() != null && !isLive(target)) {
        listener.shardRetired(target.path().key());
        return Optional.empty();
      }
      result = new ShardVerifier.Result(target.path().key(), target.size(), 0, false, 0, 0, 0,
          List.of(new ShardVerifier.Problem(null, "Shard " + target.path() + " is live in its catalog but missing from " + store.describe())));
    }
    if (records != null) {
      records.record(result, clock.instant());
    }
    listener.shardChecked(result);
    return Optional.of(result);
  }

  private boolean isLive(Target target) throws IOException {
    String name = target.path().key();
    return archive.catalog().load(target.cataloged()).shards().stream().anyMatch(s -> s.name().equals(name));
  }

  private Stream<Target> targets(VerifyScope scope) throws IOException {
    ArchiveKeys keys = new ArchiveKeys(archive.store(), archive.catalog());
    if (scope instanceof VerifyScope.Shards named) {
      List<Target> found = new ArrayList<>(); // named on a command line: few
      for (String name : named.names()) {
        BlobInfo info = archive.store().stat(BlobPath.of(name))
            .orElseThrow(() -> new FileNotFoundException("No shard " + name + " in " + archive.store().describe()));
        found.add(new Target(info.path(), info.size(), null));
      }
      return found.stream();
    }
    if (scope instanceof VerifyScope.Key key) {
      return liveShards(key.key());
    }
    if (scope instanceof VerifyScope.Keys few) {
      return few.keys().stream().flatMap(this::liveShardsUnchecked);
    }
    Stream<ShardKey> listed = scope instanceof VerifyScope.Day day ? keys.ofDay(day.dateDir())
        : keys.withDatePrefix(((VerifyScope.DatePrefix) scope).datePrefix());
    // One key's live shards at a time: a catalog is small, and the listing stays lazy.
    return listed.flatMap(this::liveShardsUnchecked);
  }

  private Stream<Target> liveShards(ShardKey key) throws IOException {
    List<LiveShard> live = archive.catalog().load(key).shards();
    return live.stream().map(s -> new Target(BlobPath.of(s.name()), s.size(), key));
  }

  private Stream<Target> liveShardsUnchecked(ShardKey key) {
    try {
      return liveShards(key);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final class Counts {
    private final LongAdder shards = new LongAdder();
    private final LongAdder corrupt = new LongAdder();
    private final LongAdder entries = new LongAdder();
    private final LongAdder verified = new LongAdder();
    private final LongAdder bytes = new LongAdder();

    void add(ShardVerifier.Result r) {
      shards.increment();
      if (!r.ok()) {
        corrupt.increment();
      }
      entries.add(r.entries());
      verified.add(r.verified());
      bytes.add(Math.max(r.size(), 0));
    }

    Summary summary() {
      return new Summary(shards.sum(), corrupt.sum(), entries.sum(), verified.sum(), bytes.sum());
    }
  }
}
