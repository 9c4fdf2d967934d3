package io.des.format;

import static io.des.format.FormatConstants.*;

import io.des.storage.BlobNotFoundException;
import io.des.storage.BlobPath;
import io.des.storage.BlobStore;
import io.des.storage.Tail;
import io.des.codec.Codec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * Reads one shard from a {@link BlobStore}: v1 and v2, sealed (DES) and unsealed (upstream). Opening
 * costs one tail request when the index fits in {@link ReaderLimits#tailReadBytes()}, else two;
 * an unsealed shard whose header is not in the tail costs one more. Every entry returned has passed
 * its checksum (or, for upstream entries without one, its size check). Thread-safe.
 */
public final class ShardReader {
  /** Compressed entries up to this size are read with one request and decoded in one call. */
  static final int ONE_SHOT_MAX = 1 << 20;

  private final BlobStore store;
  private final BlobPath path;
  private final ShardIndex index;
  private final ReaderLimits limits;

  private ShardReader(BlobStore store, BlobPath path, ShardIndex index, ReaderLimits limits) {
    this.store = store;
    this.path = path;
    this.index = index;
    this.limits = limits;
  }

  /** Opens a shard, reading and validating footer, seal and index. */
  public static ShardReader open(BlobStore store, BlobPath path, ReaderLimits limits) throws IOException {
    return new ShardReader(store, path, loadIndex(store, path, limits), limits);
  }

  /** A reader over an index loaded earlier (for example from a cache); no request is made. */
  public static ShardReader withIndex(BlobStore store, BlobPath path, ShardIndex index, ReaderLimits limits) {
    return new ShardReader(store, path, index, limits);
  }

  public ShardIndex index() {
    return index;
  }

  public BlobPath path() {
    return path;
  }

  /**
   * The whole content of an entry, decoded and verified.
   *
   * @throws EntryNotFoundException if the uid is not in this shard
   * @throws ShardLimitExceededException if the entry is larger than {@link ReaderLimits#maxEntryBytes()}
   * @throws CorruptShardException if the bytes do not decode or do not match the checksum
   */
  public byte[] read(String uid) throws IOException {
    return read(entry(uid));
  }

  /**
   * The whole content of an entry found earlier in {@link #index()}, decoded and verified before it
   * is returned. An inline entry costs one ranged read of its stored bytes and a one-shot decode,
   * with no stream in between (the retriever's read of a small file); a BigFile streams from its
   * own object through its SHA-256.
   *
   * @throws ShardLimitExceededException if the entry is larger than {@link ReaderLimits#maxEntryBytes()}
   * @throws CorruptShardException if the bytes do not decode or do not match the checksum
   */
  public byte[] read(IndexEntry entry) throws IOException {
    checkFitsInMemory(entry);
    if (entry.isBigFile()) {
      try (InputStream in = openEntry(entry)) {
        return in.readAllBytes();
      }
    }
    return decodeStored(describe(), entry, storedBytes(entry));
  }

  private void checkFitsInMemory(IndexEntry entry) throws ShardLimitExceededException {
    if (entry.contentSize() > limits.maxEntryBytes() || (!entry.isBigFile() && entry.length() > limits.maxEntryBytes())) {
      throw new ShardLimitExceededException(
          "Entry '" + entry.uid() + "' in " + describe() + " is " + Math.max(entry.contentSize(), entry.length())
              + " bytes, more than the in-memory limit of " + limits.maxEntryBytes() + "; stream it instead");
    }
  }

  /** An inline entry's stored bytes, in one ranged read. */
  private byte[] storedBytes(IndexEntry entry) throws IOException {
    return entry.length() == 0 ? new byte[0] : store.readRange(path, entry.offset(), (int) entry.length());
  }

  /**
   * The stored bytes of an inline entry, as they are in the shard and not decoded, once they match
   * the CRC-32C its index records for them: what a client that decodes the codec itself is sent (the
   * retriever's {@code Content-Encoding: zstd}). One ranged read.
   *
   * @throws IllegalArgumentException if the entry is a BigFile or records no checksum of its stored bytes
   * @throws ShardLimitExceededException if the entry is larger than {@link ReaderLimits#maxEntryBytes()}
   * @throws CorruptShardException if the bytes do not match their checksum
   */
  public byte[] readStored(IndexEntry entry) throws IOException {
    if (entry.isBigFile() || entry.storedCrc32c() == IndexEntry.NO_CHECKSUM) {
      throw new IllegalArgumentException("Entry '" + entry.uid() + "' in " + describe() + " has no checksum of its stored bytes");
    }
    checkFitsInMemory(entry);
    byte[] stored = storedBytes(entry);
    checkStored(describe(), entry, stored);
    return stored;
  }

  /**
   * Streams an entry's content. The stream checks size and checksum as it goes and throws {@link
   * CorruptShardException} from {@code read} at the first sign of corruption, at the latest at the
   * end, so a caller must treat content as good only once the stream reached its end.
   */
  public InputStream openEntry(String uid) throws IOException {
    return openEntry(entry(uid));
  }

  /** Streams an entry found earlier in {@link #index()}. */
  public InputStream openEntry(IndexEntry entry) throws IOException {
    String where = describe() + " entry '" + entry.uid() + "'";
    if (entry.isBigFile()) {
      BlobPath big = bigFilePath(path, entry.bigFileSha256());
      InputStream raw;
      try {
        raw = store.open(big);
      } catch (BlobNotFoundException e) {
        throw new CorruptShardException(describe(), "BigFile " + big + " of entry '" + entry.uid() + "' is missing", e);
      }
      return VerifyingInputStream.sha256(raw, entry.contentSize(), entry.bigFileSha256(), where);
    }
    if (entry.codec() != Codec.NONE && entry.length() <= ONE_SHOT_MAX && entry.uncompressedSize() <= Math.min(ONE_SHOT_MAX * 8L, limits.maxEntryBytes())) {
      // Small compressed entries: one ranged read and a one-shot decode beat a streaming decoder.
      byte[] stored = store.readRange(path, entry.offset(), (int) entry.length());
      byte[] content = PayloadDecoding.decode(entry.codec(), stored, (int) entry.uncompressedSize(), where);
      return VerifyingInputStream.crc32c(new ByteArrayInputStream(content), entry.uncompressedSize(), entry.crc32c(), where);
    }
    InputStream stored = store.openRange(path, entry.offset(), entry.length());
    InputStream decoded = PayloadDecoding.decoding(entry.codec(), stored, entry.uncompressedSize(), where);
    return VerifyingInputStream.crc32c(decoded, entry.uncompressedSize(), entry.crc32c(), where);
  }

  /** One entry's outcome in {@link #readBatch}: its content, or why it could not be read. */
  public record BatchItem(IndexEntry entry, byte[] content, IOException error) {}

  /**
   * Reads several entries of this shard with as few requests as possible: entries whose stored
   * bytes lie within {@code maxGap} of each other are fetched in one ranged read (at most {@code
   * maxSpan} bytes), then sliced, decoded and verified one by one. BigFiles and entries larger than
   * {@code maxSpan} are read on their own. Each entry gets its own outcome; a corrupt one does not
   * spoil the others. Results are in the order given.
   */
  public List<BatchItem> readBatch(List<IndexEntry> entries, int maxGap, int maxSpan) throws IOException {
    BatchItem[] results = new BatchItem[entries.size()];
    List<Integer> inline = new java.util.ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      IndexEntry e = entries.get(i);
      if (e.isBigFile() || e.length() > maxSpan || e.contentSize() > limits.maxEntryBytes()) {
        results[i] = readOne(e);
      } else {
        inline.add(i);
      }
    }
    inline.sort(java.util.Comparator.comparingLong(i -> entries.get(i).offset()));
    int k = 0;
    while (k < inline.size()) {
      long start = entries.get(inline.get(k)).offset();
      long end = start + entries.get(inline.get(k)).length();
      int last = k;
      while (last + 1 < inline.size()) {
        IndexEntry next = entries.get(inline.get(last + 1));
        long nextEnd = Math.max(end, next.offset() + next.length());
        if (next.offset() - end > maxGap || nextEnd - start > maxSpan) {
          break;
        }
        end = nextEnd;
        last++;
      }
      byte[] span = store.readRange(path, start, (int) (end - start));
      for (int j = k; j <= last; j++) {
        IndexEntry e = entries.get(inline.get(j));
        int from = (int) (e.offset() - start);
        byte[] stored = java.util.Arrays.copyOfRange(span, from, from + (int) e.length());
        results[inline.get(j)] = decodeVerified(e, stored);
      }
      k = last + 1;
    }
    return java.util.Arrays.asList(results);
  }

  private BatchItem readOne(IndexEntry e) throws IOException {
    try (InputStream in = openEntry(e)) {
      return new BatchItem(e, in.readAllBytes(), null);
    } catch (CorruptShardException | ShardLimitExceededException ex) {
      return new BatchItem(e, null, ex);
    }
  }

  private BatchItem decodeVerified(IndexEntry e, byte[] stored) throws IOException {
    try {
      return new BatchItem(e, decodeStored(describe(), e, stored), null);
    } catch (CorruptShardException ex) {
      return new BatchItem(e, null, ex);
    }
  }

  /**
   * Decodes the stored bytes of an inline entry, read by the caller (for example in one sequential
   * pass over the shard), and checks them against the entry's checksum, or for upstream entries
   * without one, its size. For {@link Codec#NONE} the array given is returned.
   *
   * @throws CorruptShardException naming the shard and the entry when they do not decode or check
   */
  public static byte[] decodeStored(String shard, IndexEntry e, byte[] stored) throws CorruptShardException {
    String where = shard + " entry '" + e.uid() + "'";
    if (e.storedCrc32c() != IndexEntry.NO_CHECKSUM) {
      VerifyingInputStream.checkStored(stored, 0, stored.length, e, where); // damage named as such, before decoding
    }
    byte[] content = e.codec() == Codec.NONE ? stored : PayloadDecoding.decode(e.codec(), stored, (int) e.uncompressedSize(), where);
    VerifyingInputStream.check(content, e.uncompressedSize(), e.crc32c(), where);
    return content;
  }

  /**
   * Checks the stored bytes of an inline entry, read by the caller, against the CRC-32C the index
   * records for them, without decoding: {@code stored_crc32c}, or for an uncompressed entry its
   * content checksum ({@link IndexEntry#expectedStoredCrc32c}). An entry with neither is not
   * checked: decode it with {@link #decodeStored}.
   *
   * @return the CRC-32C of {@code stored}
   * @throws CorruptShardException naming the shard and the entry when they do not match
   */
  public static long checkStored(String shard, IndexEntry e, byte[] stored) throws CorruptShardException {
    if (stored.length != e.length()) {
      throw new CorruptShardException(shard, "entry '" + e.uid() + "' has " + stored.length + " stored bytes, the index records " + e.length());
    }
    return VerifyingInputStream.checkStored(stored, 0, stored.length, e, shard + " entry '" + e.uid() + "'");
  }

  /** Where the BigFile with this hash lives for a shard at {@code shard}: {@code <dir>/_bigFiles/<sha256>}. */
  public static BlobPath bigFilePath(BlobPath shard, String sha256) {
    String dir = shard.parentKey();
    return BlobPath.of(dir.isEmpty() ? "_bigFiles/" + sha256 : dir + "/_bigFiles/" + sha256);
  }

  private IndexEntry entry(String uid) throws EntryNotFoundException {
    IndexEntry entry = index.byUid().get(uid);
    if (entry == null) {
      throw new EntryNotFoundException("UID '" + uid + "' not found in shard " + describe() + ".");
    }
    return entry;
  }

  private String describe() {
    return path.key();
  }

  /** Reads and validates footer, seal and index with as few requests as the limits allow. */
  static ShardIndex loadIndex(BlobStore store, BlobPath path, ReaderLimits limits) throws IOException {
    String shard = path.key();
    Tail tail = store.readTail(path, limits.tailReadBytes());
    long size = tail.blobSize();
    byte[] bytes = tail.bytes();
    if (size < HEADER_SIZE) {
      throw new CorruptShardException(shard, "File too small to be a valid DES shard: " + size + " bytes, expected at least " + MIN_SHARD_SIZE);
    }
    byte[] header = tail.offset() == 0 ? Arrays.copyOf(bytes, HEADER_SIZE) : null;
    if (header != null) {
      checkHeader(shard, header);
    }
    if (size < UPSTREAM_MIN_FILE_SIZE) {
      throw new CorruptShardException(shard, "File too small to be a valid DES shard: " + size + " bytes, expected at least " + MIN_SHARD_SIZE);
    }
    ByteBuffer footer = ByteBuffer.wrap(bytes, bytes.length - FOOTER_SIZE, FOOTER_SIZE).slice().order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = new byte[FOOTER_MAGIC_LENGTH];
    footer.get(magic);
    if (!Arrays.equals(magic, FOOTER_MAGIC)) {
      throw new CorruptShardException(
          shard, "Invalid shard footer magic at offset " + (size - FOOTER_SIZE) + ": expected DESI, found " + hex(magic));
    }
    long indexSize = footer.getLong();
    long indexOffset = size - FOOTER_SIZE - indexSize;
    if (indexSize < 0 || indexOffset < HEADER_SIZE) {
      throw new CorruptShardException(
          shard, "Computed index offset is invalid: footer declares index_size " + Long.toUnsignedString(indexSize)
              + " in a shard of " + size + " bytes");
    }
    if (indexSize > limits.maxIndexBytes()) {
      throw new ShardLimitExceededException(
          "Index of " + shard + " is " + indexSize + " bytes, more than the limit of " + limits.maxIndexBytes());
    }
    long sealOffset = indexOffset - SEAL_SIZE;
    long wantFrom = sealOffset >= HEADER_SIZE ? sealOffset : indexOffset;
    if (wantFrom < tail.offset()) {
      // The first read was too short: fetch seal and index exactly (a second request).
      byte[] region = store.readRange(path, wantFrom, (int) (size - FOOTER_SIZE - wantFrom));
      tail = new Tail(concat(region, footerBytes(footer)), size);
      bytes = tail.bytes();
    }
    int base = (int) (tail.offset());
    byte[] indexBytes = Arrays.copyOfRange(bytes, (int) (indexOffset - base), (int) (indexOffset - base + indexSize));
    Seal seal = null;
    int sealAt = (int) (sealOffset - base);
    if (sealOffset >= HEADER_SIZE && Seal.hasMagic(bytes, sealAt)) {
      seal = Seal.decode(shard, bytes, sealAt, sealOffset);
      long actualCrc = Seal.crc32c(indexBytes, 0, indexBytes.length);
      if (actualCrc != seal.indexCrc32c()) {
        throw new CorruptShardException(
            shard, "index at offset " + indexOffset + " has checksum " + MetaJson.crc32cHex(actualCrc)
                + ", the seal records " + MetaJson.crc32cHex(seal.indexCrc32c()));
      }
    }
    int version;
    if (seal != null) {
      version = seal.formatVersion();
    } else {
      if (header == null) {
        header = store.readRange(path, 0, HEADER_SIZE);
        checkHeader(shard, header);
      }
      version = header[HEADER_VERSION_OFFSET];
    }
    long dataEnd = seal != null ? sealOffset : indexOffset;
    List<IndexEntry> entries = IndexCodec.parse(shard, indexBytes, version, indexOffset, dataEnd);
    if (seal != null && seal.entryCount() != entries.size()) {
      throw new CorruptShardException(
          shard, "seal records " + seal.entryCount() + " entries, the index has " + entries.size());
    }
    if (seal == null) {
      for (IndexEntry e : entries) {
        if (e.hasChecksum()) {
          throw new CorruptShardException(
              shard, "entry '" + e.uid() + "' carries a DES checksum but the shard has no seal before offset " + indexOffset);
        }
      }
    }
    return ShardIndex.of(shard, version, seal != null, seal == null ? 0 : seal.nBits(), size, indexOffset, entries);
  }

  static void checkHeader(String shard, byte[] header) throws CorruptShardException {
    if (!Arrays.equals(header, HEADER_MAGIC_OFFSET, HEADER_MAGIC_LENGTH, HEADER_MAGIC, 0, HEADER_MAGIC_LENGTH)) {
      throw new CorruptShardException(
          shard, "Invalid shard header magic at offset 0: expected DES2, found " + hex(Arrays.copyOf(header, 4)));
    }
    int version = Byte.toUnsignedInt(header[HEADER_VERSION_OFFSET]);
    if (version != VERSION_1 && version != VERSION_2) {
      throw new CorruptShardException(shard, "Unsupported shard version: " + version + " at offset 4 (expected 1 or 2)");
    }
    for (int i = HEADER_RESERVED_OFFSET; i < HEADER_SIZE; i++) {
      if (header[i] != 0) {
        throw new CorruptShardException(
            shard, "Invalid shard header reserved bytes: offset " + i + " is 0x" + Integer.toHexString(header[i] & 0xff) + ", expected 0");
      }
    }
  }

  private static byte[] footerBytes(ByteBuffer footer) {
    byte[] b = new byte[FOOTER_SIZE];
    footer.get(0, b);
    return b;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static String hex(byte[] bytes) {
    StringBuilder sb = new StringBuilder();
    for (byte b : bytes) {
      sb.append(String.format("%02x", b));
    }
    return sb.toString();
  }
}
