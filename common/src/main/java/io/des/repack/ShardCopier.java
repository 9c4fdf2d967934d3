package io.des.repack;

import io.des.codec.Codec;
import io.des.codec.CompressionPolicy;
import io.des.codec.Compressors;
import io.des.codec.Encoded;
import io.des.format.CorruptShardException;
import io.des.format.IndexEntry;
import io.des.format.ReaderLimits;
import io.des.format.ShardIndex;
import io.des.format.ShardLimitExceededException;
import io.des.format.ShardReader;
import io.des.format.ShardWriter;
import io.des.routing.ShardKey;
import io.des.storage.BlobPath;
import io.des.storage.BlobStore;
import io.des.storage.BlobUpload;
import io.des.tombstone.TombstoneStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32C;

/**
 * Copies the surviving entries of one shard version into a writer, in index order. Where the upload
 * can copy from the old version without reading it (a local disk: {@link BlobUpload#appendsInPlace}),
 * runs of entries that lie back to back and record the checksum of their stored bytes are appended
 * that way, one call per run, unread; the verification of the new version reads them back against
 * those checksums. The other entries (and all of them on S3 or in memory) are read in one
 * sequential pass over the old version (a backward jump, which DES's own shards never need, costs a
 * ranged read) and checked on the way: their stored bytes against the CRC-32C the index records for
 * them ({@code stored_crc32c}, or the content checksum of an uncompressed entry), which proves them
 * the bytes that were written, without decoding; entries without one (written before DES recorded
 * it, or by upstream) are decoded and checked on other threads. Memory is bounded: at most 64
 * entries or 32 MiB are read ahead (or one entry, if larger). A corrupt entry found on the way is
 * repaired from the {@link RepairSource} or dropped. Not thread-safe.
 */
final class ShardCopier {
  /**
   * What the copy did; {@code dropped} counts entries hidden by a tombstone, {@code inPlace} the kept
   * entries appended without being read (checked only by reading the new version back).
   */
  record Outcome(long kept, long dropped, long corruptDropped, long repaired, long inPlace, List<String> problems,
      Map<String, Long> storedCrc32c) {}

  /** How far the reader runs ahead of the writer: entries, and stored plus decoded bytes. */
  private static final int AHEAD_ENTRIES = 64;
  private static final long AHEAD_BYTES = 32L << 20;
  /** Threads decoding and checking entries, in order of the index, while this one reads and writes. */
  private static final int CHECKERS = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));

  private final BlobStore store;
  private final ReaderLimits limits;
  private final RepackOptions options;
  private final ShardKey key;
  private final Set<String> tombstoned;
  private final Set<String> keptBigFiles;

  /** @param keptBigFiles content of tombstoned BigFiles that predates reference markers: see {@link #drops} */
  ShardCopier(BlobStore store, ReaderLimits limits, RepackOptions options, ShardKey key, Set<String> tombstoned,
      Set<String> keptBigFiles) {
    this.store = store;
    this.limits = limits;
    this.options = options;
    this.key = key;
    this.tombstoned = tombstoned;
    this.keptBigFiles = keptBigFiles;
  }

  /**
   * Whether a repack drops this entry: a tombstone hides it. A tombstoned BigFile whose content is in
   * {@code keptBigFiles} (it predates reference markers, so no purge may delete it) is kept as a
   * reference instead, which keeps its tombstone pending rather than recording a false erasure.
   */
  static boolean drops(IndexEntry e, Set<String> tombstoned, Set<String> keptBigFiles) {
    return tombstoned.contains(TombstoneStore.uidHash(e.uid())) && !(e.isBigFile() && keptBigFiles.contains(e.bigFileSha256()));
  }

  /**
   * An entry read ahead: its stored bytes and, when only decoding can check them, their decoding on
   * a checker thread ({@code content} null: they are checked against their stored checksum).
   */
  private record Pending(IndexEntry entry, byte[] stored, Future<byte[]> content) {
    /** Memory it holds: the stored bytes, and the decoded content when it is decoded. */
    long bytes() {
      return stored == null ? 0 : stored.length + (content == null ? 0 : entry.uncompressedSize());
    }
  }

  /**
   * Copies the surviving entries into {@code writer}, which writes into {@code upload}.
   *
   * @param inPlace copy runs of entries that record a stored checksum with {@link
   *     BlobUpload#appendRange} when the upload copies them without reading them ({@link
   *     BlobUpload#appendsInPlace}): their bytes are not checked on the way, so the check of the new
   *     version must read them back, and a damaged one fails it (the caller then copies again
   *     without this, to repair or drop it)
   */
  Outcome copy(BlobPath from, ShardIndex index, ShardWriter writer, BlobUpload upload, boolean inPlace) throws IOException {
    Copy copy = new Copy(from, index, writer, upload, inPlace && options.recompress() == null && upload.appendsInPlace(store));
    try {
      return copy.run();
    } finally {
      copy.close();
    }
  }

  /** One copy: the entries in index order, runs copied in place, the others read ahead and checked. */
  private final class Copy implements AutoCloseable {
    private final BlobPath from;
    private final ShardIndex index;
    private final ShardWriter writer;
    private final BlobUpload upload;
    private final boolean inPlace;
    private final ShardReader reader;
    private final SequentialRead in;
    private final ArrayDeque<Pending> window = new ArrayDeque<>();
    private final List<IndexEntry> run = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final Map<String, Long> storedCrc32c = new HashMap<>();
    // Decoding and checking run on a second thread while this one reads and writes, a bounded
    // window ahead: about as fast as the two of them on two cores, in the same order and memory.
    private final ExecutorService checker = Executors.newFixedThreadPool(CHECKERS, r -> {
      Thread t = new Thread(r, "des-repack-check");
      t.setDaemon(true);
      return t;
    });
    private long held;
    private long kept, dropped, corrupt, repaired, inPlaceCount;

    Copy(BlobPath from, ShardIndex index, ShardWriter writer, BlobUpload upload, boolean inPlace) {
      this.from = from;
      this.index = index;
      this.writer = writer;
      this.upload = upload;
      this.inPlace = inPlace;
      this.reader = ShardReader.withIndex(store, from, index, limits);
      this.in = new SequentialRead(from);
    }

    Outcome run() throws IOException {
      for (IndexEntry e : index.entries()) {
        if (drops(e, tombstoned, keptBigFiles)) {
          dropped++;
        } else if (inPlace && !e.isBigFile() && e.expectedStoredCrc32c() != IndexEntry.NO_CHECKSUM) {
          drainWindow(true);
          if (!run.isEmpty()) {
            IndexEntry last = run.get(run.size() - 1);
            if (last.offset() + last.length() != e.offset()) {
              flushRun();
            }
          }
          run.add(e);
        } else {
          flushRun();
          if (e.isBigFile()) {
            window.add(new Pending(e, null, null));
          } else {
            checkFits(from, e);
            byte[] stored = in.read(e);
            boolean decode = options.recompress() != null || e.expectedStoredCrc32c() == IndexEntry.NO_CHECKSUM;
            Pending p = new Pending(e, stored, decode ? checker.submit(() -> ShardReader.decodeStored(from.key(), e, stored)) : null);
            window.add(p);
            held += p.bytes();
          }
          drainWindow(false);
        }
      }
      flushRun();
      drainWindow(true);
      return new Outcome(kept, dropped, corrupt, repaired, inPlaceCount, problems, storedCrc32c);
    }

    /** Copies the run of entries back to back in the old version with one in-place append. */
    private void flushRun() throws IOException {
      if (run.isEmpty()) {
        return;
      }
      IndexEntry first = run.get(0);
      writer.addVerbatimRun(run, length -> upload.appendRange(store, from, first.offset(), length));
      for (IndexEntry e : run) {
        storedCrc32c.put(e.uid(), e.expectedStoredCrc32c()); // read back and checked by the verification
      }
      kept += run.size();
      inPlaceCount += run.size();
      run.clear();
    }

    /** Writes entries read ahead: all of them, or until the window is below its limits again. */
    private void drainWindow(boolean all) throws IOException {
      while (!window.isEmpty() && (all || window.size() >= AHEAD_ENTRIES || held >= AHEAD_BYTES)) {
        writePending(window.poll());
      }
    }

    private void writePending(Pending head) throws IOException {
      held -= head.bytes();
      IndexEntry e = head.entry();
      if (e.isBigFile()) {
        if (tombstoned.contains(TombstoneStore.uidHash(e.uid()))) {
          problems.add("Tombstoned BigFile '" + e.uid() + "' kept: its content _bigFiles/" + e.bigFileSha256()
              + " predates reference markers, so no purge erases it; its tombstone stays pending");
        }
        String damage = bigFileDamage(reader, e);
        if (damage == null) {
          writer.addBigFileCopy(e);
          kept++;
        } else {
          corrupt++;
          problems.add(damage + "; dropped (BigFiles are not repaired)");
        }
        return;
      }
      byte[] stored = head.stored();
      byte[] content = null; // stays null when the stored bytes were checked without decoding
      long storedCrc = IndexEntry.NO_CHECKSUM;
      try {
        if (head.content() == null) {
          storedCrc = ShardReader.checkStored(from.key(), e, stored);
        } else {
          content = await(head);
        }
      } catch (CorruptShardException damaged) {
        content = repair(e);
        if (content == null) {
          corrupt++;
          problems.add(damaged.getMessage() + "; dropped (no healthy copy)");
          return;
        }
        repaired++;
        problems.add(damaged.getMessage() + "; repaired from the repair source");
        stored = null; // re-encoded below
      }
      if (content == null) {
        writer.addCopy(e, e.codec(), stored, 0, stored.length, storedCrc); // the stored bytes, verbatim, checked above
      } else {
        storedCrc = write(writer, e, stored, content);
      }
      storedCrc32c.put(e.uid(), storedCrc);
      kept++;
    }

    @Override
    public void close() throws IOException {
      checker.shutdownNow();
      in.close();
    }
  }

  private static byte[] await(Pending p) throws IOException {
    try {
      return p.content().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("Interrupted while checking entry '" + p.entry().uid() + "'");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException("Checking entry '" + p.entry().uid() + "' failed", e.getCause());
    }
  }

  /** Writes the entry; returns the CRC-32C of the stored bytes written, for the check of the new version. */
  private long write(ShardWriter writer, IndexEntry e, byte[] stored, byte[] content) throws IOException {
    Codec codec = e.codec();
    byte[] bytes;
    int offset = 0, length;
    if (options.recompress() != null) {
      Encoded enc = CompressionPolicy.of(options.recompress(), options.level()).encode(e.uid(), content, 0, content.length);
      codec = enc.codec();
      bytes = enc.stored();
      offset = enc.storedOffset();
      length = enc.storedLength();
    } else if (stored != null) {
      bytes = stored; // the stored bytes, verbatim
      length = stored.length;
    } else {
      bytes = e.codec() == Codec.NONE ? content : Compressors.compress(e.codec(), 0, content, 0, content.length);
      length = bytes.length;
    }
    return writer.addCopy(e, codec, bytes, offset, length);
  }

  /** A healthy copy of the entry's content, checked against its size and checksum, or null. */
  private byte[] repair(IndexEntry e) throws IOException {
    if (options.repair() == null) {
      return null;
    }
    Optional<byte[]> copy = options.repair().content(key, e);
    if (copy.isEmpty() || copy.get().length != e.uncompressedSize()) {
      return null;
    }
    if (e.hasChecksum()) {
      CRC32C crc = new CRC32C();
      crc.update(copy.get());
      if (crc.getValue() != e.crc32c()) {
        return null;
      }
    }
    return copy.get();
  }

  /** Null when the BigFile's content checks out, else what is wrong. */
  private static String bigFileDamage(ShardReader reader, IndexEntry e) throws IOException {
    try (InputStream in = reader.openEntry(e)) {
      in.transferTo(OutputStream.nullOutputStream());
      return null;
    } catch (CorruptShardException damaged) {
      return damaged.getMessage();
    }
  }

  private void checkFits(BlobPath from, IndexEntry e) throws ShardLimitExceededException {
    if (e.length() > Integer.MAX_VALUE - 8 || e.uncompressedSize() > Math.min(limits.maxEntryBytes(), Compressors.DEFAULT_MAX_ENTRY_BYTES)) {
      throw new ShardLimitExceededException(
          "Entry '" + e.uid() + "' of " + from + " is " + e.uncompressedSize() + " bytes (" + e.length()
              + " stored), more than a repack copies in memory; nothing was changed");
    }
  }

  private static final int READ_BUFFER = 1 << 20;

  /** The old version read front to back, once. */
  private final class SequentialRead implements AutoCloseable {
    private final BlobPath path;
    private InputStream in;
    private long position;

    SequentialRead(BlobPath path) {
      this.path = path;
    }

    byte[] read(IndexEntry e) throws IOException {
      int length = (int) e.length();
      if (e.offset() < position) {
        return store.readRange(path, e.offset(), length);
      }
      if (in == null) {
        // Large reads: entries are a few KiB each, and a read call each would cost a system call each.
        in = new java.io.BufferedInputStream(store.open(path), READ_BUFFER);
      }
      in.skipNBytes(e.offset() - position);
      byte[] stored = new byte[length]; // readNBytes(int) would read 8 KiB pieces and copy them together
      if (in.readNBytes(stored, 0, length) != length) {
        throw new CorruptShardException(path.key(), "entry '" + e.uid() + "' at offset " + e.offset() + " runs past the end of the shard");
      }
      position = e.offset() + length;
      return stored;
    }

    @Override
    public void close() throws IOException {
      if (in != null) {
        in.close();
      }
    }
  }
}
