package io.des.format;

import static io.des.format.FormatConstants.HEADER_SIZE;

import io.des.storage.BlobPath;
import io.des.storage.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Checks a whole shard: header, footer, seal and index, then every entry decoded and checked against
 * its checksum (upstream entries without one: decoded and size-checked). Inline entries are read in
 * one sequential pass over the shard; memory is bounded by the index, not the shard.
 */
public final class ShardVerifier {
  private ShardVerifier() {}

  /** One problem found in a shard, at the shard level (uid null) or in one entry. */
  public record Problem(String uid, String message) {}

  /**
   * The outcome for one shard.
   *
   * @param entries entries in the index (0 when the index could not be read)
   * @param verified entries whose content checked out
   */
  public record Result(String shard, long size, int version, boolean sealed, long entries, long verified, long contentBytes, List<Problem> problems) {
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  /**
   * Told about each entry as soon as it is checked, on the verifying thread; for progress and
   * metrics. Not told about entries of a shard whose index cannot be read.
   */
  @FunctionalInterface
  public interface EntryListener {
    EntryListener NONE = (shard, entry, problem) -> {};

    /**
     * @param problem what is wrong with the entry, or null when its content checked out
     */
    void entryChecked(String shard, IndexEntry entry, Problem problem);
  }

  /** Verifies one shard. Never throws for corruption; reports it. Storage errors propagate. */
  public static Result verify(BlobStore store, BlobPath path, ReaderLimits limits) throws IOException {
    return verify(store, path, limits, EntryListener.NONE);
  }

  /** As {@link #verify(BlobStore, BlobPath, ReaderLimits)}, telling {@code listener} about each entry. */
  public static Result verify(BlobStore store, BlobPath path, ReaderLimits limits, EntryListener listener) throws IOException {
    ShardIndex index;
    try {
      index = ShardReader.loadIndex(store, path, limits);
      byte[] header = store.readRange(path, 0, HEADER_SIZE);
      ShardReader.checkHeader(path.key(), header);
      if (header[4] != index.version()) {
        throw new CorruptShardException(path.key(), "header version " + header[4] + " differs from the seal's " + index.version());
      }
    } catch (CorruptShardException | ShardLimitExceededException e) {
      long size = store.stat(path).map(i -> i.size()).orElse(-1L);
      return new Result(path.key(), size, 0, false, 0, 0, 0, List.of(new Problem(null, e.getMessage())));
    }
    List<Problem> problems = new ArrayList<>();
    long verified = 0;
    long content = 0;
    ShardReader reader = ShardReader.withIndex(store, path, index, limits);
    List<IndexEntry> inline = new ArrayList<>();
    for (IndexEntry e : index.entries()) {
      if (e.isBigFile()) {
        Problem problem = drain(reader, e);
        if (problem == null) {
          verified++;
          content += e.contentSize();
        } else {
          problems.add(problem);
        }
        listener.entryChecked(path.key(), e, problem);
      } else {
        inline.add(e);
      }
    }
    inline.sort(Comparator.comparingLong(IndexEntry::offset));
    try (InputStream shard = store.open(path)) {
      long position = 0;
      for (IndexEntry e : inline) {
        shard.skipNBytes(e.offset() - position);
        position = e.offset() + e.length();
        if (e.length() <= ShardReader.ONE_SHOT_MAX && e.uncompressedSize() <= Math.min(ShardReader.ONE_SHOT_MAX * 8L, limits.maxEntryBytes())) {
          // Small entries: one array and a one-shot decode; a streaming decoder per entry costs more than the entry.
          byte[] stored = new byte[(int) e.length()];
          int read = shard.readNBytes(stored, 0, stored.length);
          try {
            if (read != stored.length) {
              throw new CorruptShardException(path.key(), "entry '" + e.uid() + "' at offset " + e.offset() + " runs past the end of the shard");
            }
            ShardReader.decodeStored(path.key(), e, stored);
            verified++;
            content += e.contentSize();
          } catch (CorruptShardException ex) {
            problems.add(new Problem(e.uid(), ex.getMessage()));
          }
          continue;
        }
        InputStream slice = new BoundedInputStream(shard, e.length());
        String where = path.key() + " entry '" + e.uid() + "'";
        try (InputStream in = VerifyingInputStream.crc32c(
            PayloadDecoding.decoding(e.codec(), slice, e.uncompressedSize(), where), e.uncompressedSize(), e.crc32c(), where)) {
          in.transferTo(java.io.OutputStream.nullOutputStream());
          verified++;
          content += e.contentSize();
          listener.entryChecked(path.key(), e, null);
        } catch (CorruptShardException ex) {
          Problem problem = new Problem(e.uid(), ex.getMessage());
          problems.add(problem);
          listener.entryChecked(path.key(), e, problem);
        }
        slice.transferTo(java.io.OutputStream.nullOutputStream());
      }
    }
    return new Result(path.key(), index.shardSize(), index.version(), index.sealed(), index.size(), verified, content, List.copyOf(problems));
  }

  /** Reads a BigFile entry through its checks; the problem found, or null. */
  private static Problem drain(ShardReader reader, IndexEntry e) throws IOException {
    try (InputStream in = reader.openEntry(e)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return null;
    } catch (CorruptShardException ex) {
      return new Problem(e.uid(), ex.getMessage());
    }
  }
}
