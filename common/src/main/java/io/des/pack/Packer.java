package io.des.pack;

import io.des.archive.Archive;
import io.des.catalog.CatalogState;
import io.des.catalog.LiveShard;
import io.des.catalog.ShardCatalog;
import io.des.catalog.ShardName;
import io.des.format.ShardSummary;
import io.des.format.ShardWriter;
import io.des.routing.ShardKey;
import io.des.storage.BlobAlreadyExistsException;
import io.des.storage.BlobPath;
import io.des.storage.BlobUpload;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Packs validated files into shards of an {@link Archive}, by streaming. For each shard key: files
 * already in a live shard are skipped (re-running a pack is harmless), the rest are split by size,
 * each shard is encoded on the shared encoder threads and written in input order (so output is
 * deterministic), uploaded with an exclusive create under a fresh sequence number, and made live
 * by a catalog commit. Keys are written {@code parallelShards} at a time so that one shard's
 * durable commit overlaps another's encoding. An interrupted run leaves no shard visible that the
 * catalog does not list, and can simply be run again.
 */
public final class Packer implements AutoCloseable {
  private static final int MAX_NAME_ATTEMPTS = 100;
  /** The token of a writer that holds no lock: {@link ShardCatalog#commit} compares it as 0. */
  public static final long NO_FENCE = 0;

  private final Archive archive;
  private final PackOptions options;
  private final PackListener listener;
  private final ExecutorService encoders;
  private final ExecutorService keyWriters;
  private final ShardPipeline pipeline;

  public Packer(Archive archive, PackOptions options, PackListener listener) {
    if (archive.router().nBits() != options.nBits()) {
      throw new IllegalArgumentException(
          "Archive routes with n_bits " + archive.router().nBits() + ", options say " + options.nBits());
    }
    this.archive = archive;
    this.options = options;
    this.listener = listener;
    this.encoders = Executors.newFixedThreadPool(options.threads(), daemon("des-encoder"));
    this.keyWriters = Executors.newFixedThreadPool(options.parallelShards(), daemon("des-shard-writer"));
    this.pipeline = new ShardPipeline(options, encoders, new MemoryBudget(options.memoryBudget()), new BigFileUploader(archive.store()), listener);
  }

  /** What one key needs: the files not packed yet and the first free sequence number. */

  /** What one key produced. */
  private record KeyResult(List<String> shards, long files, long bigFiles, long content, long stored) {}

  /** Validates and packs a batch of files, as the only writer (no lock, no fencing token). */
  public PackReport pack(List<SourceFile> files) throws IOException, InvalidInputException {
    return pack(files, NO_FENCE);
  }

  /**
   * Validates and packs a batch of files as the holder of the shard keys' lock with fencing token
   * {@code fence}. Before anything else, each key's catalog records the token (a generation that
   * changes nothing else), and unfinished uploads of the key's shards, left by a predecessor that
   * died, are aborted. From then on a commit by a holder with an older token is refused by the
   * catalog, and a commit of ours fails with {@link io.des.catalog.CatalogConflictException} if a
   * newer holder has claimed the key.
   */
  public PackReport pack(List<SourceFile> files, long fence) throws IOException, InvalidInputException {
    long start = System.nanoTime();
    Map<ShardKey, List<PlannedFile>> byKey = PackPlanner.plan(files, archive.router());
    List<KeyPlan> plans = runAll(byKey.entrySet().stream()
        .map(e -> (Callable<KeyPlan>) () -> planKey(e.getKey(), e.getValue(), fence))
        .toList());
    List<InputProblem> conflicts = new ArrayList<>();
    long skipped = 0;
    long plannedFiles = 0;
    long plannedBytes = 0;
    for (KeyPlan p : plans) {
      conflicts.addAll(p.conflicts());
      skipped += p.skipped();
      plannedFiles += p.fresh().size();
      plannedBytes += p.fresh().stream().mapToLong(PlannedFile::size).sum();
    }
    if (!conflicts.isEmpty()) {
      throw new InvalidInputException(conflicts);
    }
    listener.planned(plannedFiles, plannedBytes);
    List<KeyResult> results = runAll(plans.stream()
        .filter(p -> !p.fresh().isEmpty())
        .map(p -> (Callable<KeyResult>) () -> packKey(p))
        .toList());
    List<String> shards = new ArrayList<>();
    long packed = 0, big = 0, content = 0, stored = 0;
    for (KeyResult r : results) {
      shards.addAll(r.shards());
      packed += r.files();
      big += r.bigFiles();
      content += r.content();
      stored += r.stored();
    }
    return new PackReport(shards, packed, skipped, big, content, stored, System.nanoTime() - start);
  }

  /** Claims the key when fenced (see {@link KeyPlan#load}) and aborts a predecessor's unfinished uploads. */
  private KeyPlan planKey(ShardKey key, List<PlannedFile> files, long fence) throws IOException {
    KeyPlan plan = KeyPlan.load(archive, key, files, fence);
    if (fence != NO_FENCE) {
      archive.store().abortUploads(key.prefix());
    }
    return plan;
  }

  private KeyResult packKey(KeyPlan plan) throws IOException {
    List<String> shards = new ArrayList<>();
    long files = 0, big = 0, content = 0, stored = 0;
    CatalogState state = plan.state();
    // A shard orphaned by a crash may hold nextSeq: the exclusive create then moves to the next.
    int nextSeq = state.nextSeq();
    for (List<PlannedFile> shardFiles : PackPlanner.split(plan.fresh(), options.maxShardSize(), options.bigFileThreshold())) {
      Written w = writeShard(plan.key(), nextSeq, shardFiles);
      nextSeq = w.name().seq() + 1;
      LiveShard live = new LiveShard(w.name().fileName(), w.summary().shardBytes(), w.summary().entries());
      state = archive.catalog().commit(plan.key(), plan.fence(), s -> s.withShard(live, options.nBits()), state);
      listener.shardCommitted(live.name(), live.entries(), live.size());
      shards.add(live.name());
      files += w.summary().entries();
      big += w.summary().bigFiles();
      content += w.summary().contentBytes();
      stored += w.summary().shardBytes() + w.bigFileBytes();
    }
    return new KeyResult(shards, files, big, content, stored);
  }

  private record Written(ShardName name, ShardSummary summary, long bigFileBytes) {}

  private Written writeShard(ShardKey key, int seq, List<PlannedFile> files) throws IOException {
    for (int attempt = 0; attempt < MAX_NAME_ATTEMPTS; attempt++) {
      ShardName name = ShardName.first(key, seq + attempt);
      BlobPath path = BlobPath.of(name.fileName());
      try (BlobUpload upload = archive.store().createExclusive(path)) {
        ShardWriter writer = ShardWriter.to(upload.out(), name.fileName(), options.nBits());
        long bigBytes = pipeline.write(writer, path, files);
        ShardSummary summary = writer.finish();
        upload.commit();
        return new Written(name, summary, bigBytes);
      } catch (BlobAlreadyExistsException taken) {
        // Another writer (or a crashed run) took this number: use the next one.
      }
    }
    throw new IOException("No free shard name for " + key + " after " + MAX_NAME_ATTEMPTS + " attempts from seq " + seq);
  }

  /** Runs the tasks on the key writers, in order of results; the first failure cancels the rest. */
  private <T> List<T> runAll(List<Callable<T>> tasks) throws IOException {
    List<Future<T>> futures = new ArrayList<>(tasks.size());
    for (Callable<T> task : tasks) {
      futures.add(keyWriters.submit(task));
    }
    List<T> results = new ArrayList<>(tasks.size());
    try {
      for (Future<T> f : futures) {
        results.add(f.get());
      }
      return results;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("Interrupted while packing");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(cause);
    } finally {
      futures.forEach(f -> f.cancel(true));
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() {
    keyWriters.shutdownNow();
    encoders.shutdownNow();
  }
}
