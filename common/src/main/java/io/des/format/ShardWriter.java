package io.des.format;

import static io.des.format.FormatConstants.*;

import io.des.codec.Codec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Writes one v2 shard to a stream, in one pass: header, payloads, seal, index, footer. The writer
 * holds only the index in memory. It does not make the shard visible; the {@link
 * io.des.storage.BlobUpload} it writes into does that on commit. Not thread-safe.
 */
public final class ShardWriter {
  private final OutputStream out;
  private final String shardName;
  private final int nBits;
  private final ByteArrayOutputStream index = new ByteArrayOutputStream();
  private final Set<String> uids = new HashSet<>();
  private long position;
  private long entries;
  private long bigFiles;
  private long contentBytes;
  private long storedBytes;
  private boolean started;
  private boolean finished;

  private ShardWriter(OutputStream out, String shardName, int nBits) {
    this.out = out;
    this.shardName = shardName;
    this.nBits = nBits;
  }

  /**
   * A writer into {@code out}.
   *
   * @param shardName for messages
   * @param nBits the routing bits recorded in the seal (0 when not routed)
   */
  public static ShardWriter to(OutputStream out, String shardName, int nBits) {
    if (nBits < 0 || nBits > 255) {
      throw new IllegalArgumentException("n_bits out of range: " + nBits);
    }
    return new ShardWriter(out, shardName, nBits);
  }

  /** Appends an inline entry. */
  public void add(EncodedEntry entry) throws IOException {
    byte[] uid = checkUid(entry.uid());
    long storedCrc = IndexEntry.NO_CHECKSUM;
    if (entry.codec() != Codec.NONE) {
      CRC32C crc = new CRC32C(); // of the stored bytes: a repack copies them checked without decoding
      crc.update(entry.stored(), entry.storedOffset(), entry.storedLength());
      storedCrc = crc.getValue();
    }
    byte[] meta = metaBytes(entry.crc32c(), storedCrc, entry.createdAt(), entry.meta());
    start();
    long offset = position;
    out.write(entry.stored(), entry.storedOffset(), entry.storedLength());
    position += entry.storedLength();
    IndexCodec.writeInline(index, uid, offset, entry.storedLength(), entry.codec(), entry.uncompressedSize(), meta);
    entries++;
    contentBytes += entry.uncompressedSize();
    storedBytes += entry.storedLength();
  }

  /**
   * Appends an inline entry copied from another shard (a repack): {@code stored[off, off + len)}
   * as its payload, encoded with {@code codec}, and the uid, content size and meta JSON of {@code
   * source} byte for byte (so its checksum, {@code created_at} and every other key), except that
   * {@code stored_crc32c} is set to the CRC-32C of the payload when it is compressed (added when
   * the source lacked it, changed when the payload was re-encoded) and removed when it is not. The
   * caller has checked that the payload decodes to the content {@code source} describes.
   *
   * @return the CRC-32C of the payload written
   */
  public long addCopy(IndexEntry source, Codec codec, byte[] stored, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, stored.length);
    CRC32C crc = new CRC32C();
    crc.update(stored, off, len);
    return addCopy(source, codec, stored, off, len, crc.getValue());
  }

  /**
   * As {@link #addCopy(IndexEntry, Codec, byte[], int, int)}, with the CRC-32C of the payload as
   * the caller already computed it (a repack checks every payload it copies, and a second pass over
   * 80 MB costs as much as a tenth of the copy). A wrong value would put a wrong {@code
   * stored_crc32c} in the index, which every later check of the entry reports as damage.
   */
  public long addCopy(IndexEntry source, Codec codec, byte[] stored, int off, int len, long storedCrc) throws IOException {
    if (source.isBigFile()) {
      throw new IllegalArgumentException("Entry '" + source.uid() + "' is a BigFile; use addBigFileCopy");
    }
    Objects.checkFromIndexSize(off, len, stored.length);
    if (codec == Codec.NONE && len != source.uncompressedSize()) {
      throw new IllegalArgumentException(
          "Uncompressed entry '" + source.uid() + "' has " + len + " stored bytes but size " + source.uncompressedSize());
    }
    byte[] uid = checkUid(source.uid());
    long recorded = codec == Codec.NONE ? IndexEntry.NO_CHECKSUM : storedCrc; // uncompressed: crc32c covers the stored bytes
    byte[] meta = source.storedCrc32c() == recorded ? copiedMeta(source) : MetaJson.withStoredCrc32c(source.metaJson(), recorded);
    start();
    long offset = position;
    out.write(stored, off, len);
    position += len;
    IndexCodec.writeInline(index, uid, offset, len, codec, source.uncompressedSize(), meta);
    entries++;
    contentBytes += source.uncompressedSize();
    storedBytes += len;
    return storedCrc;
  }

  /** Appends a number of bytes to the shard's stream from elsewhere, e.g. a range of another blob. */
  @FunctionalInterface
  public interface Append {
    void append(long length) throws IOException;
  }

  /**
   * Records a run of inline entries copied verbatim from another shard, whose stored bytes lie back
   * to back there in this order; {@code append} writes all of them at once, behind what this writer
   * wrote (a {@link io.des.storage.BlobUpload#appendRange} of the old shard, which a local disk
   * copies without reading it into the process). Each entry must record the checksum of its stored
   * bytes ({@link IndexEntry#expectedStoredCrc32c()}), which the index keeps: the caller has not
   * looked at the bytes, so a check of the new shard must read them back against it.
   *
   * @throws IllegalArgumentException if an entry is a BigFile, records no stored checksum, or does
   *     not follow the previous one in the old shard
   */
  public void addVerbatimRun(java.util.List<IndexEntry> run, Append append) throws IOException {
    if (run.isEmpty()) {
      return;
    }
    long first = run.get(0).offset();
    long end = first;
    for (IndexEntry e : run) {
      if (e.isBigFile() || e.expectedStoredCrc32c() == IndexEntry.NO_CHECKSUM || e.offset() != end) {
        throw new IllegalArgumentException("Entry '" + e.uid() + "' cannot be copied verbatim in this run: "
            + (e.isBigFile() ? "a BigFile" : e.offset() != end ? "not at offset " + end : "no stored checksum"));
      }
      end += e.length();
    }
    byte[][] uids = new byte[run.size()][];
    for (int i = 0; i < run.size(); i++) {
      uids[i] = checkUid(run.get(i).uid());
    }
    start();
    long base = position;
    append.append(end - first);
    for (int i = 0; i < run.size(); i++) {
      IndexEntry e = run.get(i);
      long recorded = e.codec() == Codec.NONE ? IndexEntry.NO_CHECKSUM : e.storedCrc32c();
      byte[] meta = e.storedCrc32c() == recorded ? copiedMeta(e) : MetaJson.withStoredCrc32c(e.metaJson(), recorded);
      IndexCodec.writeInline(index, uids[i], base + (e.offset() - first), e.length(), e.codec(), e.uncompressedSize(), meta);
      entries++;
      contentBytes += e.uncompressedSize();
      storedBytes += e.length();
    }
    position = base + (end - first);
  }

  /**
   * Records a BigFile entry copied from another shard: the same {@code _bigFiles/<sha256>} content,
   * size and meta JSON, byte for byte.
   */
  public void addBigFileCopy(IndexEntry source) throws IOException {
    if (!source.isBigFile()) {
      throw new IllegalArgumentException("Entry '" + source.uid() + "' is not a BigFile; use addCopy");
    }
    byte[] uid = checkUid(source.uid());
    start();
    IndexCodec.writeBigFile(index, uid, source.bigFileSha256(), source.contentSize(), copiedMeta(source));
    entries++;
    bigFiles++;
    contentBytes += source.contentSize();
  }

  private static byte[] copiedMeta(IndexEntry source) {
    return source.metaJson() == null ? new byte[0] : source.metaJson().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Records a BigFile entry; its content must already be stored as {@code _bigFiles/<sha256>} beside
   * the shard.
   */
  public void addBigFile(String uid, String sha256, long size, String createdAt, Map<String, ?> meta)
      throws IOException {
    byte[] uidBytes = checkUid(uid);
    if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("BigFile hash must be 64 lowercase hex characters: " + sha256);
    }
    if (size < 0) {
      throw new IllegalArgumentException("Negative BigFile size " + size + " for '" + uid + "'");
    }
    byte[] metaBytes = metaBytes(IndexEntry.NO_CHECKSUM, IndexEntry.NO_CHECKSUM, createdAt, meta);
    start();
    IndexCodec.writeBigFile(index, uidBytes, sha256, size, metaBytes);
    entries++;
    bigFiles++;
    contentBytes += size;
  }

  /** Writes seal, index and footer and flushes. The stream is left open. */
  public ShardSummary finish() throws IOException {
    if (finished) {
      throw new IllegalStateException("ShardWriter for " + shardName + " is already finished");
    }
    start();
    finished = true;
    byte[] entryCount =
        ByteBuffer.allocate(INDEX_COUNT_LENGTH).order(ByteOrder.LITTLE_ENDIAN).putInt((int) entries).array();
    byte[] body = index.toByteArray();
    byte[] indexBytes = new byte[entryCount.length + body.length];
    System.arraycopy(entryCount, 0, indexBytes, 0, entryCount.length);
    System.arraycopy(body, 0, indexBytes, entryCount.length, body.length);
    out.write(Seal.encode(VERSION_2, nBits, entries, indexBytes, position));
    position += SEAL_SIZE;
    out.write(indexBytes);
    position += indexBytes.length;
    ByteBuffer footer = ByteBuffer.allocate(FOOTER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    footer.put(FOOTER_MAGIC).putLong(indexBytes.length);
    out.write(footer.array());
    position += FOOTER_SIZE;
    out.flush();
    return new ShardSummary(entries, bigFiles, position, contentBytes, storedBytes);
  }

  /**
   * Everything a writer holds, at a point where the bytes it wrote so far are durable, so that
   * another writer can go on from there ({@link #resume}) after this one died. The index is the
   * entries' records without the count (small: about 100 bytes per entry).
   */
  public record Snapshot(long position, long entries, long bigFiles, long contentBytes, long storedBytes, byte[] index) {}

  /** This writer's state now. */
  public Snapshot snapshot() {
    if (finished) {
      throw new IllegalStateException("ShardWriter for " + shardName + " is already finished");
    }
    return new Snapshot(position, entries, bigFiles, contentBytes, storedBytes, index.toByteArray());
  }

  /**
   * A writer that goes on after a snapshot, into a stream that already holds the snapshot's first
   * {@code position} bytes (a resumed upload).
   *
   * @throws CorruptShardException if the snapshot's index does not parse, or points past its position
   */
  public static ShardWriter resume(OutputStream out, String shardName, int nBits, Snapshot snapshot) throws CorruptShardException {
    ShardWriter writer = to(out, shardName, nBits);
    byte[] counted = ByteBuffer.allocate(INDEX_COUNT_LENGTH + snapshot.index().length).order(ByteOrder.LITTLE_ENDIAN)
        .putInt((int) snapshot.entries()).put(snapshot.index()).array();
    for (IndexEntry entry : IndexCodec.parse(shardName + " (snapshot)", counted, VERSION_2, snapshot.position(), snapshot.position())) {
      writer.uids.add(entry.uid());
    }
    writer.index.writeBytes(snapshot.index());
    writer.started = snapshot.position() > 0;
    writer.position = snapshot.position();
    writer.entries = snapshot.entries();
    writer.bigFiles = snapshot.bigFiles();
    writer.contentBytes = snapshot.contentBytes();
    writer.storedBytes = snapshot.storedBytes();
    return writer;
  }

  /** Bytes written so far; also the offset the next payload would get. */
  public long position() {
    return position;
  }

  public long entries() {
    return entries;
  }

  /** The uids written so far (a view). */
  public Set<String> uids() {
    return java.util.Collections.unmodifiableSet(uids);
  }

  /** Bytes the shard would have if finished now, for size-bounded planning. */
  public long projectedSize() {
    return position + (started ? 0 : HEADER_SIZE) + SEAL_SIZE + INDEX_COUNT_LENGTH + index.size() + FOOTER_SIZE;
  }

  private void start() throws IOException {
    if (finished) {
      throw new IllegalStateException("ShardWriter is closed.");
    }
    if (!started) {
      started = true;
      ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
      header.put(HEADER_MAGIC).put((byte) VERSION_2).put(new byte[HEADER_RESERVED_LENGTH]);
      out.write(header.array());
      position = HEADER_SIZE;
    }
  }

  private byte[] checkUid(String uid) {
    if (finished) {
      throw new IllegalStateException("ShardWriter is closed.");
    }
    byte[] bytes = uidBytes(uid);
    if (!uids.add(uid)) {
      throw new IllegalArgumentException("UID '" + uid + "' already exists in shard.");
    }
    return bytes;
  }

  /**
   * The UTF-8 bytes of a uid that the format can hold.
   *
   * @throws IllegalArgumentException if the uid is empty, not encodable as UTF-8 (a lone surrogate)
   *     or longer than 65535 bytes
   */
  public static byte[] uidBytes(String uid) {
    if (uid == null || uid.isEmpty()) {
      throw new IllegalArgumentException("uid must not be empty");
    }
    for (int i = 0; i < uid.length(); i++) {
      char c = uid.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < uid.length() && Character.isLowSurrogate(uid.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException("uid is not valid Unicode (lone surrogate): " + abbreviate(uid));
      }
    }
    // Without lone surrogates, getBytes is exact UTF-8 (it would otherwise write '?').
    byte[] bytes = uid.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > MAX_UID_BYTES) {
      throw new IllegalArgumentException(
          "uid is " + bytes.length + " bytes of UTF-8, the format allows at most 65535: " + abbreviate(uid));
    }
    return bytes;
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }

  private static byte[] metaBytes(long crc32c, long storedCrc32c, String createdAt, Map<String, ?> meta) {
    if ((meta == null || meta.isEmpty()) && MetaJson.isPlainAscii(createdAt)) {
      return MetaJson.reservedOnly(crc32c, storedCrc32c, createdAt); // the packer's case: no map, no Jackson
    }
    String json = MetaJson.write(MetaJson.withReserved(crc32c, storedCrc32c, createdAt, meta));
    return json == null ? new byte[0] : json.getBytes(StandardCharsets.US_ASCII);
  }
}
