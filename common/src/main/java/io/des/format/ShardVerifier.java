package io.des.format;

import static io.des.format.FormatConstants.HEADER_SIZE;

import io.des.storage.BlobPath;
import io.des.storage.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

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
      index = structure(store, path, limits);
    } catch (CorruptShardException | ShardLimitExceededException e) {
      return unreadable(store, path, e);
    }
    Tally tally = new Tally(path.key(), listener);
    ShardReader reader = ShardReader.withIndex(store, path, index, limits);
    List<IndexEntry> inline = new ArrayList<>();
    for (IndexEntry e : index.entries()) {
      if (e.isBigFile()) {
        tally.checked(e, drain(reader, e));
      } else {
        inline.add(e);
      }
    }
    inline.sort(Comparator.comparingLong(IndexEntry::offset));
    try (InputStream shard = new java.io.BufferedInputStream(store.open(path), 1 << 20)) { // a read call per entry would be a system call per entry
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
            tally.checked(e, null);
          } catch (CorruptShardException ex) {
            tally.checked(e, new Problem(e.uid(), ex.getMessage()));
          }
          continue;
        }
        InputStream slice = new BoundedInputStream(shard, e.length());
        String where = path.key() + " entry '" + e.uid() + "'";
        InputStream stored = VerifyingInputStream.storedCrc32c(slice, e.length(), e.storedCrc32c(), where);
        try (InputStream in = VerifyingInputStream.crc32c(
            PayloadDecoding.decoding(e.codec(), stored, e.uncompressedSize(), where), e.uncompressedSize(), e.crc32c(), where)) {
          in.transferTo(java.io.OutputStream.nullOutputStream());
          stored.transferTo(java.io.OutputStream.nullOutputStream()); // what the decoder left, through the stored check
          tally.checked(e, null);
        } catch (CorruptShardException ex) {
          tally.checked(e, new Problem(e.uid(), storedDamage(stored).orElse(ex.getMessage())));
        }
        slice.transferTo(java.io.OutputStream.nullOutputStream());
      }
    }
    return tally.result(index);
  }

  /**
   * When decoding failed, whether the stored bytes themselves fail their check (read to the end):
   * the more precise report, since damaged stored bytes explain any decoding error.
   */
  private static java.util.Optional<String> storedDamage(InputStream stored) throws IOException {
    try {
      stored.transferTo(java.io.OutputStream.nullOutputStream());
      return java.util.Optional.empty();
    } catch (CorruptShardException damaged) {
      return java.util.Optional.of(damaged.getMessage());
    }
  }

  /** What a verification found so far, told to the listener entry by entry. */
  private static final class Tally {
    private final String shard;
    private final EntryListener listener;
    private final List<Problem> problems = new ArrayList<>();
    private long verified;
    private long content;

    Tally(String shard, EntryListener listener) {
      this.shard = shard;
      this.listener = listener;
    }

    /** An entry checked: {@code problem} null when its content checked out. */
    void checked(IndexEntry e, Problem problem) {
      if (problem == null) {
        verified++;
        content += e.contentSize();
      } else {
        problems.add(problem);
      }
      listener.entryChecked(shard, e, problem);
    }

    void problem(Problem problem) {
      problems.add(problem);
    }

    Result result(ShardIndex index) {
      return new Result(shard, index.shardSize(), index.version(), index.sealed(), index.size(), verified, content, List.copyOf(problems));
    }
  }

  /**
   * Checks a shard written from stored bytes whose content was decoded and checked as they were
   * written (a repack copies entries this way): header, seal, index and footer as {@link #verify}
   * does, exactly the expected inline entries and no others, and the CRC-32C of each one's stored
   * bytes, read back from the store, against the one taken when it was written. Nothing is decoded:
   * the bytes are shown to be the ones that were checked. BigFile entries are left to {@link
   * #verify}.
   *
   * @param storedCrc32c the CRC-32C of the stored bytes of each inline entry, by uid
   */
  public static Result verifyCopy(BlobStore store, BlobPath path, ReaderLimits limits, Map<String, Long> storedCrc32c)
      throws IOException {
    ShardIndex index;
    try {
      index = structure(store, path, limits);
    } catch (CorruptShardException | ShardLimitExceededException e) {
      return unreadable(store, path, e);
    }
    Tally tally = new Tally(path.key(), EntryListener.NONE);
    List<IndexEntry> inline = new ArrayList<>();
    for (IndexEntry e : index.entries()) {
      if (e.isBigFile()) {
        tally.checked(e, null);
      } else if (!storedCrc32c.containsKey(e.uid())) {
        tally.checked(e, new Problem(e.uid(), path.key() + " holds entry '" + e.uid() + "', which was not written to it"));
      } else {
        inline.add(e);
      }
    }
    if (inline.size() != storedCrc32c.size()) {
      tally.problem(new Problem(null, path.key() + " holds " + inline.size() + " of the " + storedCrc32c.size() + " entries written to it"));
    }
    inline.sort(Comparator.comparingLong(IndexEntry::offset));
    byte[] buffer = new byte[64 << 10];
    // Read in large pieces: entries are a few KiB each, and a read call each is a system call each.
    try (InputStream shard = new java.io.BufferedInputStream(store.open(path), 1 << 20)) {
      long position = 0;
      for (IndexEntry e : inline) {
        shard.skipNBytes(e.offset() - position);
        position = e.offset() + e.length();
        CRC32C crc = new CRC32C();
        long left = e.length();
        while (left > 0) {
          int n = shard.read(buffer, 0, (int) Math.min(buffer.length, left));
          if (n < 0) {
            throw new CorruptShardException(path.key(), "entry '" + e.uid() + "' at offset " + e.offset() + " runs past the end of the shard");
          }
          crc.update(buffer, 0, n);
          left -= n;
        }
        long expected = storedCrc32c.get(e.uid());
        tally.checked(e, crc.getValue() == expected ? null : new Problem(e.uid(), path.key() + " entry '" + e.uid()
            + "': stored bytes read back have CRC-32C " + Long.toHexString(crc.getValue()) + ", written " + Long.toHexString(expected)));
      }
    } catch (CorruptShardException e) {
      tally.problem(new Problem(null, e.getMessage()));
    }
    return tally.result(index);
  }

  /** The index of a shard whose header, seal, index and footer check out. */
  private static ShardIndex structure(BlobStore store, BlobPath path, ReaderLimits limits) throws IOException {
    ShardIndex index = ShardReader.loadIndex(store, path, limits);
    byte[] header = store.readRange(path, 0, HEADER_SIZE);
    ShardReader.checkHeader(path.key(), header);
    if (header[4] != index.version()) {
      throw new CorruptShardException(path.key(), "header version " + header[4] + " differs from the seal's " + index.version());
    }
    return index;
  }

  private static Result unreadable(BlobStore store, BlobPath path, IOException e) throws IOException {
    long size = store.stat(path).map(i -> i.size()).orElse(-1L);
    return new Result(path.key(), size, 0, false, 0, 0, 0, List.of(new Problem(null, e.getMessage())));
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
