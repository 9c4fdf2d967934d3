package io.des.pack;

import io.des.format.EncodedEntry;
import io.des.format.ShardWriter;
import io.des.storage.BlobPath;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;

/**
 * Writes the entries of one shard: files are read and encoded ahead on the shared encoder pool,
 * within the shared {@link MemoryBudget} and at most {@code inFlight} at a time, and written in
 * input order by the calling thread, so the output does not depend on timing.
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

  private record Pending(PlannedFile file, CompletableFuture<EncodedEntry> encoded, long held) {}

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
            window.add(new Pending(f, CompletableFuture.completedFuture(null), 0));
          } else {
            if (!budget.tryTake(f.size())) {
              if (!window.isEmpty()) {
                break; // write what we hold first; that frees room
              }
              budget.take(f.size());
            }
            window.add(new Pending(f, CompletableFuture.supplyAsync(() -> encode(f), encoders), f.size()));
          }
          next++;
        }
        Pending head = window.poll();
        try {
          EncodedEntry entry = await(head);
          if (entry == null) {
            String sha = bigFiles.upload(shard, head.file());
            writer.addBigFile(head.file().source().uid(), sha, head.file().size(),
                CreatedAtMeta.format(head.file().source().createdAt().instant()), null);
            bigBytes += head.file().size();
          } else {
            writer.add(entry);
          }
        } finally {
          if (head.held() > 0) {
            budget.give(head.held());
          }
        }
        listener.packed(head.file().size());
        hook.written(done++);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("Interrupted while packing " + shard);
    } finally {
      for (Pending p : window) {
        p.encoded().cancel(true);
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

  private EncodedEntry encode(PlannedFile f) {
    try {
      return EntryEncoder.encode(f, options.compression());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static EncodedEntry await(Pending p) throws IOException, InterruptedException {
    try {
      return p.encoded().get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      throw new IOException("Failed to encode " + p.file().source().path() + ": " + cause, cause);
    }
  }
}
