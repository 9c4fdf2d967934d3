package io.des.pack;

import io.des.archive.Archive;
import io.des.catalog.CatalogState;
import io.des.catalog.LiveShard;
import io.des.catalog.ShardName;
import io.des.format.CorruptShardException;
import io.des.format.ShardSummary;
import io.des.format.ShardWriter;
import io.des.routing.ShardKey;
import io.des.storage.BlobPath;
import io.des.storage.BlobUpload;
import io.des.storage.UploadNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Packs the files of one shard key as the holder of the key's lock, so that if this process dies at
 * any point, the next holder resumes where the last checkpoint left off instead of starting over.
 *
 * <p>Shards are written with resumable uploads. At every durable point of an upload (about one S3
 * part, or 8 MiB on a local disk) the caller's {@link Progress} saves the shard's name, the upload's
 * checkpoint and the writer's state. A new holder that finds such a checkpoint, for a shard the
 * catalog does not list yet, reopens the upload and the writer and packs only the files after it;
 * if the upload is gone it starts that shard afresh. Unfinished uploads of the key that nobody
 * resumes (a dead writer's, a stale writer's) are aborted. Each shard is made live by a fenced
 * catalog commit, as with {@link Packer}.
 *
 * <p>All of that is for a <em>takeover</em>: work that someone may have started before. The first
 * run of a piece of work (the caller knows: its job ledger said so atomically) skips what only a
 * predecessor could have left, which saves requests per job: no checkpoint to load, no claim (its
 * first commit records its token), no uploads to abort, no orphaned shard name to step over. A shard completed by a stale writer and never made live
 * is left in place (deleting it could race a newer holder that resumed it); it is not in the
 * catalog, so readers never see it.
 */
public final class ResumablePacker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ResumablePacker.class);

  /** Where the caller keeps the pack's checkpoint, fenced by its own store. */
  public interface Progress {
    /** The checkpoint saved last by any holder of the key for this work, if any. */
    Optional<byte[]> load() throws IOException;

    /** Replaces the checkpoint; throws if the store refuses it (a newer holder has saved). */
    void save(byte[] checkpoint) throws IOException;
  }

  private final Archive archive;
  private final PackOptions options;
  private final PackListener listener;
  private final ExecutorService encoders;
  private final ShardPipeline pipeline;

  public ResumablePacker(Archive archive, PackOptions options, PackListener listener) {
    this.archive = archive;
    this.options = options;
    this.listener = listener;
    this.encoders = Executors.newFixedThreadPool(options.threads(), r -> {
      Thread t = new Thread(r, "des-encoder");
      t.setDaemon(true);
      return t;
    });
    this.pipeline = new ShardPipeline(options, encoders, new MemoryBudget(options.memoryBudget()), new BigFileUploader(archive.store()), listener);
  }

  /** A shard reopened from a checkpoint. */
  private record Resumed(ShardName name, BlobUpload upload, ShardWriter writer) {}

  /**
   * Packs the files (all of one shard key) that are not packed yet, under fencing token {@code fence}.
   *
   * @throws InvalidInputException if files are invalid or conflict with packed ones; nothing is written
   * @throws io.des.catalog.CatalogConflictException if a newer lock holder has claimed the key
   */
  public PackReport pack(List<SourceFile> files, long fence, Progress progress) throws IOException, InvalidInputException {
    return pack(files, fence, progress, true);
  }

  /**
   * As {@link #pack(List, long, Progress)}; {@code takeover} false for the first run of this work,
   * when nobody can have left a checkpoint, an upload or a shard of it behind.
   */
  public PackReport pack(List<SourceFile> files, long fence, Progress progress, boolean takeover)
      throws IOException, InvalidInputException {
    long start = System.nanoTime();
    Map<ShardKey, List<PlannedFile>> byKey = PackPlanner.plan(files, archive.router());
    if (byKey.size() != 1) {
      throw new IllegalArgumentException("A resumable pack takes the files of one shard key, got " + byKey.keySet());
    }
    ShardKey key = byKey.keySet().iterator().next();
    KeyPlan plan = KeyPlan.load(archive, key, byKey.get(key), fence, takeover);
    if (!plan.conflicts().isEmpty()) {
      throw new InvalidInputException(plan.conflicts());
    }
    CatalogState state = plan.state();
    Resumed resumed = takeover ? resume(key, state, progress) : null;
    List<PlannedFile> fresh = plan.fresh();
    if (resumed == null) {
      if (takeover) {
        archive.store().abortUploads(key.prefix());
      }
    } else {
      Set<String> done = resumed.writer().uids();
      fresh = fresh.stream().filter(f -> !done.contains(f.source().uid())).toList();
    }
    listener.planned(fresh.size(), fresh.stream().mapToLong(PlannedFile::size).sum());
    List<String> shards = new ArrayList<>();
    long packed = 0, big = 0, content = 0, stored = 0;
    int nextSeq = state.nextSeq();
    while (!fresh.isEmpty() || resumed != null) {
      Resumed shard = resumed != null ? resumed : create(key, nextSeq, takeover);
      resumed = null;
      List<PlannedFile> batch = take(fresh, shard.writer());
      ShardSummary summary;
      long bigBytes;
      try (BlobUpload upload = shard.upload()) {
        BlobPath path = BlobPath.of(shard.name().fileName());
        bigBytes = pipeline.write(shard.writer(), path, batch, index -> checkpoint(shard, progress));
        summary = shard.writer().finish();
        upload.commit();
      }
      fresh = fresh.subList(batch.size(), fresh.size());
      LiveShard live = new LiveShard(shard.name().fileName(), summary.shardBytes(), summary.entries());
      state = archive.catalog().commit(key, fence, s -> s.withShard(live, options.nBits()), state);
      listener.shardCommitted(live.name(), live.entries(), live.size());
      nextSeq = shard.name().seq() + 1;
      shards.add(live.name());
      packed += summary.entries();
      big += summary.bigFiles();
      content += summary.contentBytes();
      stored += summary.shardBytes() + bigBytes;
    }
    if (takeover) {
      archive.store().abortUploads(key.prefix()); // whatever a stale writer left behind
    }
    return new PackReport(shards, packed, plan.skipped(), big, content, stored, System.nanoTime() - start);
  }

  /** Saves a checkpoint when the upload has just made its content durable up to this entry. */
  private static void checkpoint(Resumed shard, Progress progress) throws IOException {
    Optional<io.des.storage.UploadCheckpoint> durable = shard.upload().boundary();
    if (durable.isPresent() && durable.get().length() == shard.writer().position()) {
      progress.save(new PackCheckpoint(shard.name().fileName(), durable.get(), shard.writer().snapshot()).toJson());
    }
  }

  /** The next files that fit in the shard (at least one in an empty shard); BigFiles do not count. */
  private List<PlannedFile> take(List<PlannedFile> fresh, ShardWriter writer) {
    long room = options.maxShardSize() - writer.projectedSize();
    int n = 0;
    long size = 0;
    for (PlannedFile f : fresh) {
      long counted = f.size() > options.bigFileThreshold() ? 0 : f.size();
      if ((n > 0 || writer.entries() > 0) && size + counted > room) {
        break;
      }
      size += counted;
      n++;
    }
    return fresh.subList(0, n);
  }

  /**
   * A new shard under the first free number from {@code seq} (orphans keep theirs); a first run
   * takes {@code seq} without looking (if an orphan holds it after all, the exclusive commit fails
   * and the retry, a takeover, steps over it).
   */
  private Resumed create(ShardKey key, int seq, boolean takeover) throws IOException {
    for (int s = seq; ; s++) {
      ShardName name = ShardName.first(key, s);
      BlobPath path = BlobPath.of(name.fileName());
      if (!takeover || archive.store().stat(path).isEmpty()) {
        BlobUpload upload = archive.store().createResumable(path);
        return new Resumed(name, upload, ShardWriter.to(upload.out(), name.fileName(), options.nBits()));
      }
    }
  }

  /** Reopens the shard of the saved checkpoint, or null when there is nothing to resume. */
  private Resumed resume(ShardKey key, CatalogState state, Progress progress) throws IOException {
    Optional<byte[]> saved = progress.load();
    PackCheckpoint checkpoint = saved.map(PackCheckpoint::fromJson).orElse(null);
    if (checkpoint == null) {
      return null;
    }
    Optional<ShardName> name = ShardName.parse(checkpoint.shard());
    if (name.isEmpty() || !name.get().key().equals(key) || state.contains(checkpoint.shard())) {
      return null; // another key's, or committed already
    }
    BlobUpload upload;
    try {
      upload = archive.store().resume(checkpoint.upload());
    } catch (UploadNotFoundException | UnsupportedOperationException gone) {
      log.info("Cannot resume {} ({}); packing it afresh", checkpoint.shard(), gone.getMessage());
      return null;
    }
    try {
      ShardWriter writer = ShardWriter.resume(upload.out(), checkpoint.shard(), options.nBits(), checkpoint.writer());
      log.info("Resuming {} at byte {} after {} entries", checkpoint.shard(), checkpoint.upload().length(), checkpoint.writer().entries());
      return new Resumed(name.get(), upload, writer);
    } catch (CorruptShardException e) {
      upload.close();
      log.warn("Checkpoint of {} is unusable ({}); packing it afresh", checkpoint.shard(), e.getMessage());
      return null;
    }
  }

  @Override
  public void close() {
    encoders.shutdownNow();
  }
}
