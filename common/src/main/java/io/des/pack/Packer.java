package io.des.pack;

import io.des.archive.Archive;
import io.des.catalog.CatalogState;
import io.des.catalog.LiveShard;
import io.des.catalog.ShardName;
import io.des.format.EncodedEntry;
import io.des.format.IndexEntry;
import io.des.format.ShardSummary;
import io.des.format.ShardWriter;
import io.des.routing.ShardKey;
import io.des.storage.BlobAlreadyExistsException;
import io.des.storage.BlobInfo;
import io.des.storage.BlobPath;
import io.des.storage.BlobStore;
import io.des.storage.BlobUpload;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * Packs validated files into shards of an {@link Archive}, by streaming. For each shard key: files
 * already in a live shard are skipped (re-running a pack is harmless), the rest are split by size,
 * each shard is encoded on {@code threads} threads while one thread writes it in input order (so
 * output is deterministic), uploaded with an exclusive create under a fresh sequence number, and
 * made live by a catalog commit. An interrupted run leaves no shard visible that the catalog does
 * not list, and can simply be run again.
 */
public final class Packer implements AutoCloseable {
  private static final int MAX_NAME_ATTEMPTS = 100;

  private final Archive archive;
  private final PackOptions options;
  private final PackListener listener;
  private final ExecutorService encoders;
  private final BigFileUploader bigFiles;

  public Packer(Archive archive, PackOptions options, PackListener listener) {
    if (archive.router().nBits() != options.nBits()) {
      throw new IllegalArgumentException(
          "Archive routes with n_bits " + archive.router().nBits() + ", options say " + options.nBits());
    }
    this.archive = archive;
    this.options = options;
    this.listener = listener;
    this.encoders = Executors.newFixedThreadPool(options.threads(), r -> {
      Thread t = new Thread(r, "des-encoder");
      t.setDaemon(true);
      return t;
    });
    this.bigFiles = new BigFileUploader(archive.store());
  }

  /** Validates and packs a batch of files. */
  public PackReport pack(List<SourceFile> files) throws IOException, InvalidInputException {
    long start = System.nanoTime();
    Map<ShardKey, List<PlannedFile>> byKey = PackPlanner.plan(files, archive.router());
    Map<ShardKey, List<PlannedFile>> todo = new HashMap<>();
    long skipped = 0;
    long plannedFiles = 0;
    long plannedBytes = 0;
    List<InputProblem> conflicts = new ArrayList<>();
    for (Map.Entry<ShardKey, List<PlannedFile>> e : byKey.entrySet()) {
      Map<String, IndexEntry> packed = packedEntries(e.getKey());
      List<PlannedFile> fresh = new ArrayList<>();
      for (PlannedFile f : e.getValue()) {
        IndexEntry existing = packed.get(f.source().uid());
        if (existing == null) {
          fresh.add(f);
          plannedFiles++;
          plannedBytes += f.size();
        } else if (existing.contentSize() == f.size()) {
          skipped++;
        } else {
          conflicts.add(new InputProblem(f.source().line(),
              "UID '" + f.source().uid() + "' is already packed with " + existing.contentSize()
                  + " bytes, the source has " + f.size() + "; DES never overwrites a packed file"));
        }
      }
      todo.put(e.getKey(), fresh);
    }
    if (!conflicts.isEmpty()) {
      throw new InvalidInputException(conflicts);
    }
    listener.planned(plannedFiles, plannedBytes);
    List<String> shards = new ArrayList<>();
    long packedFiles = 0;
    long big = 0;
    long content = 0;
    long stored = 0;
    for (Map.Entry<ShardKey, List<PlannedFile>> e : byKey.entrySet()) {
      List<PlannedFile> fresh = todo.get(e.getKey());
      if (fresh.isEmpty()) {
        continue;
      }
      int nextSeq = nextFreeSeq(e.getKey());
      for (List<PlannedFile> shardFiles : PackPlanner.split(fresh, options.maxShardSize(), options.bigFileThreshold())) {
        Written w = writeShard(e.getKey(), nextSeq, shardFiles);
        nextSeq = w.name.seq() + 1;
        LiveShard live = new LiveShard(w.name.fileName(), w.summary.shardBytes(), w.summary.entries());
        archive.catalog().commit(e.getKey(), 0, s -> s.withShard(live, options.nBits()));
        listener.shardCommitted(live.name(), live.entries(), live.size());
        shards.add(live.name());
        packedFiles += w.summary.entries();
        big += w.summary.bigFiles();
        content += w.summary.contentBytes();
        stored += w.summary.shardBytes() + w.bigFileBytes;
      }
    }
    return new PackReport(shards, packedFiles, skipped, big, content, stored, System.nanoTime() - start);
  }

  private record Written(ShardName name, ShardSummary summary, long bigFileBytes) {}

  /** Entries already live for a key, by uid. */
  private Map<String, IndexEntry> packedEntries(ShardKey key) throws IOException {
    CatalogState state = archive.catalog().load(key);
    Map<String, IndexEntry> packed = new HashMap<>();
    for (LiveShard shard : state.shards()) {
      for (IndexEntry entry : archive.shard(shard.name()).index().entries()) {
        packed.put(entry.uid(), entry);
      }
    }
    return packed;
  }

  /** The first sequence number above every shard of the key, live or orphaned by a crash. */
  private int nextFreeSeq(ShardKey key) throws IOException {
    int next = archive.catalog().load(key).nextSeq();
    try (Stream<BlobInfo> listing = archive.store().list(key.prefix())) {
      for (BlobInfo info : (Iterable<BlobInfo>) listing::iterator) {
        var name = ShardName.parse(info.path().key());
        if (name.isPresent() && name.get().key().equals(key)) {
          next = Math.max(next, name.get().seq() + 1);
        }
      }
    }
    return next;
  }

  private Written writeShard(ShardKey key, int seq, List<PlannedFile> files) throws IOException {
    for (int attempt = 0; attempt < MAX_NAME_ATTEMPTS; attempt++) {
      ShardName name = ShardName.first(key, seq + attempt);
      BlobStore store = archive.store();
      try (BlobUpload upload = store.createExclusive(BlobPath.of(name.fileName()))) {
        ShardWriter writer = ShardWriter.to(upload.out(), name.fileName(), options.nBits());
        long bigBytes = writeEntries(writer, BlobPath.of(name.fileName()), files);
        ShardSummary summary = writer.finish();
        upload.commit();
        return new Written(name, summary, bigBytes);
      } catch (BlobAlreadyExistsException taken) {
        // Another writer (or a crashed run) took this number: use the next one.
      }
    }
    throw new IOException("No free shard name for " + key + " after " + MAX_NAME_ATTEMPTS + " attempts from seq " + seq);
  }

  /** Encodes on the pool, writes in order; at most {@code inFlight} entries are held at once. */
  private long writeEntries(ShardWriter writer, BlobPath shard, List<PlannedFile> files) throws IOException {
    ArrayDeque<CompletableFuture<EncodedEntry>> window = new ArrayDeque<>();
    ArrayDeque<PlannedFile> pending = new ArrayDeque<>();
    long bigBytes = 0;
    int next = 0;
    try {
      while (next < files.size() || !pending.isEmpty()) {
        while (next < files.size() && window.size() < options.inFlight()) {
          PlannedFile f = files.get(next++);
          pending.add(f);
          if (f.size() > options.bigFileThreshold()) {
            window.add(CompletableFuture.completedFuture(null));
          } else {
            window.add(CompletableFuture.supplyAsync(() -> {
              try {
                return EntryEncoder.encode(f, options.compression());
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            }, encoders));
          }
        }
        PlannedFile f = pending.poll();
        EncodedEntry entry = await(window.poll(), f);
        if (entry == null) {
          String sha = bigFiles.upload(shard, f);
          writer.addBigFile(f.source().uid(), sha, f.size(), CreatedAtMeta.format(f.source().createdAt().instant()), null);
          bigBytes += f.size();
        } else {
          writer.add(entry);
        }
        listener.packed(f.size());
      }
    } finally {
      window.forEach(w -> w.cancel(true));
    }
    return bigBytes;
  }

  private static EncodedEntry await(CompletableFuture<EncodedEntry> future, PlannedFile f) throws IOException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("Interrupted while packing " + f.source().path());
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() instanceof java.io.UncheckedIOException u ? u.getCause() : e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      throw new IOException("Failed to encode " + f.source().path() + ": " + cause, cause);
    }
  }

  @Override
  public void close() {
    encoders.shutdownNow();
  }
}
