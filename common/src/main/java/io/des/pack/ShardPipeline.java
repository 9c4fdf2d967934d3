package io.des.pack;

import io.des.format.EncodedEntry;
import io.des.format.ShardWriter;
import io.des.storage.BlobPath;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;

/**
 * Writes the entries of one shard: files are read and encoded ahead on the shared encoder pool, in
 * batches of consecutive small files, within the shared {@link MemoryBudget} and at most {@code
 * inFlight} batches at a time, and written in input order by the calling thread, so the output
 * does not depend on timing.
 */
final class ShardPipeline {
  private final PackOptions options;
  private final ExecutorService encoders;
  private final MemoryBudget budget;
  private final BigFileUploader bigFiles;
  private final PackListener listener;

  ShardPipeline(PackOptions options, ExecutorService encoders, MemoryBudget budget, BigFileUploader bigFiles, PackListener listener) {
    this.options = options;
    this.encoders = encoders;
    this.budget = budget;
    this.bigFiles = bigFiles;
    this.listener = listener;
  }

  /** Most files in one encoding task. */
  static final int BATCH_FILES = 32;
  /** Most content bytes in one encoding task (a larger file is a task of its own). */
  static final long BATCH_BYTES = 256 * 1024;

  /**
   * Files the writer waits for, in order: a batch of consecutive small files encoded by one task
   * (one hand-off to an encoder and one back for the lot, not per file: with files of a few KiB,
   * waking threads per file cost as much as reading them), or one BigFile ({@code encoded} null),
   * uploaded by the writer itself.
   */
  private record Pending(List<PlannedFile> files, CompletableFuture<Batch> encoded, long held) {}

  /**
   * A batch's entries in order, up to the first file that failed, and that file's failure (null if
   * none): the writer writes the entries and then fails where it would have failed alone.
   */
  private record Batch(List<EncodedEntry> entries, Exception failure) {}

  /** Hears of each entry once the writer holds it, in order; {@code index} is its place in the files. */
  @FunctionalInterface
  interface EntryHook {
    EntryHook NONE = index -> {};

    void written(int index) throws IOException;
  }

  /** Writes every file into {@code writer}; returns the bytes stored as BigFiles. */
  long write(ShardWriter writer, BlobPath shard, List<PlannedFile> files) throws IOException {
    return write(writer, shard, files, EntryHook.NONE);
  }

  /** As {@link #write(ShardWriter, BlobPath, List)}, calling {@code hook} after each entry. */
  long write(ShardWriter writer, BlobPath shard, List<PlannedFile> files, EntryHook hook) throws IOException {
    int done = 0;
    ArrayDeque<Pending> window = new ArrayDeque<>();
    long bigBytes = 0;
    int next = 0;
    try {
      while (next < files.size() || !window.isEmpty()) {
        while (next < files.size() && window.size() < options.inFlight()) {
          PlannedFile f = files.get(next);
          if (isBig(f)) {
            window.add(new Pending(List.of(f), null, 0));
            next++;
            continue;
          }
          int end = next + 1;
          long bytes = f.size();
          while (end < files.size() && end - next < BATCH_FILES && !isBig(files.get(end))
              && bytes + files.get(end).size() <= BATCH_BYTES) {
            bytes += files.get(end++).size();
          }
          if (!budget.tryTake(bytes)) {
            if (!window.isEmpty()) {
              break; // write what we hold first; that frees room
            }
            budget.take(bytes);
          }
          List<PlannedFile> batch = files.subList(next, end);
          window.add(new Pending(batch, CompletableFuture.supplyAsync(() -> encode(batch), encoders), bytes));
          next = end;
        }
        Pending head = window.poll();
        try {
          if (head.encoded() == null) {
            PlannedFile big = head.files().get(0);
            String sha = bigFiles.upload(shard, big);
            writer.addBigFile(big.source().uid(), sha, big.size(), CreatedAtMeta.format(big.source().createdAt().instant()), null);
            bigBytes += big.size();
            listener.packed(big.size());
            hook.written(done++);
            continue;
          }
          Batch batch = head.encoded().get();
          for (int i = 0; i < batch.entries().size(); i++) {
            writer.add(batch.entries().get(i));
            listener.packed(head.files().get(i).size());
            hook.written(done++);
          }
          if (batch.failure() instanceof IOException e) {
            throw e;
          } else if (batch.failure() != null) {
            PlannedFile file = head.files().get(batch.entries().size());
            throw new IOException("Failed to encode " + file.source().path() + ": " + batch.failure(), batch.failure());
          }
        } finally {
          if (head.held() > 0) {
            budget.give(head.held());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("Interrupted while packing " + shard);
    } catch (ExecutionException e) {
      throw new IOException("Encoding failed while packing " + shard + ": " + e.getCause(), e.getCause()); // encode() catches its own
    } finally {
      for (Pending p : window) {
        if (p.encoded() != null) {
          p.encoded().cancel(true);
        }
        if (p.held() > 0) {
          budget.give(p.held());
        }
      }
    }
    return bigBytes;
  }

  private boolean isBig(PlannedFile f) {
    return f.size() > options.bigFileThreshold();
  }

  /** Encodes the files in order, stopping at the first that fails. */
  private Batch encode(List<PlannedFile> files) {
    List<EncodedEntry> entries = new ArrayList<>(files.size());
    for (PlannedFile f : files) {
      try {
        entries.add(EntryEncoder.encode(f, options.compression()));
      } catch (IOException | RuntimeException e) {
        return new Batch(entries, e);
      }
    }
    return new Batch(entries, null);
  }
}
