package io.des.format;

import static io.des.format.FormatConstants.*;

import io.des.codec.Codec;
import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Parses and writes the INDEX section of both versions, with every check of docs/format.md. */
final class IndexCodec {
  private IndexCodec() {}

  /**
   * Parses an index.
   *
   * @param index the INDEX bytes, exactly {@code index_size} long
   * @param indexOffset where the index starts in the shard, for messages
   * @param dataEnd end of the region entries may point into (the seal's offset, or indexOffset)
   */
  static List<IndexEntry> parse(
      String shard, byte[] index, int version, long indexOffset, long dataEnd)
      throws CorruptShardException {
    ByteBuffer buf = ByteBuffer.wrap(index).order(ByteOrder.LITTLE_ENDIAN);
    if (index.length < INDEX_COUNT_LENGTH) {
      throw new CorruptShardException(
          shard,
          "Index too small to contain entry count: index at offset "
              + indexOffset
              + " is "
              + index.length
              + " bytes, expected at least 4");
    }
    long count = Integer.toUnsignedLong(buf.getInt());
    long minEntry = version == VERSION_1 ? MIN_V1_ENTRY : MIN_V2_ENTRY;
    long room = (index.length - INDEX_COUNT_LENGTH) / minEntry;
    if (count > room) {
      throw new CorruptShardException(
          shard,
          "index at offset "
              + indexOffset
              + " declares "
              + count
              + " entries, but its "
              + index.length
              + " bytes can hold at most "
              + room);
    }
    List<IndexEntry> entries = new ArrayList<>((int) count);
    Set<String> uids = new HashSet<>((int) (count * 4 / 3) + 1);
    CharsetDecoder utf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    for (int i = 0; i < count; i++) {
      long entryOffset = indexOffset + buf.position();
      IndexEntry entry;
      try {
        entry = parseEntry(shard, buf, version, utf8, i, entryOffset, dataEnd);
      } catch (BufferUnderflowException e) {
        throw new CorruptShardException(
            shard,
            "Truncated index: entry "
                + i
                + " at offset "
                + entryOffset
                + " runs past the end of the index at offset "
                + (indexOffset + index.length));
      }
      if (!uids.add(entry.uid())) {
        throw new CorruptShardException(
            shard, "duplicate uid '" + entry.uid() + "' in index entry " + i + " at offset " + entryOffset);
      }
      entries.add(entry);
    }
    if (buf.hasRemaining()) {
      throw new CorruptShardException(
          shard,
          "index at offset "
              + indexOffset
              + " has "
              + buf.remaining()
              + " trailing bytes after its "
              + count
              + " entries (expected 0)");
    }
    checkNoOverlap(shard, entries);
    return entries;
  }

  private static IndexEntry parseEntry(
      String shard,
      ByteBuffer buf,
      int version,
      CharsetDecoder utf8,
      int i,
      long entryOffset,
      long dataEnd)
      throws CorruptShardException {
    int nameLen = Short.toUnsignedInt(buf.getShort());
    byte[] name = new byte[nameLen];
    buf.get(name);
    String uid;
    try {
      uid = utf8.decode(ByteBuffer.wrap(name)).toString();
    } catch (CharacterCodingException e) {
      throw new CorruptShardException(
          shard, "index entry " + i + " at offset " + entryOffset + " has a uid that is not valid UTF-8");
    }
    if (version == VERSION_1) {
      return inline(shard, buf, uid, i, entryOffset, dataEnd, false);
    }
    int flags = Byte.toUnsignedInt(buf.get());
    if ((flags & ~KNOWN_FLAGS) != 0) {
      throw new CorruptShardException(
          shard,
          "index entry "
              + i
              + " ('"
              + uid
              + "') at offset "
              + entryOffset
              + " has unknown flag bits 0x"
              + Integer.toHexString(flags & ~KNOWN_FLAGS)
              + " (expected 0)");
    }
    if ((flags & FLAG_BIGFILE) == 0) {
      return inline(shard, buf, uid, i, entryOffset, dataEnd, true);
    }
    int hashLen = Short.toUnsignedInt(buf.getShort());
    byte[] hashBytes = new byte[hashLen];
    buf.get(hashBytes);
    String hash = new String(hashBytes, StandardCharsets.US_ASCII);
    if (hashLen != SHA256_HEX_LENGTH || !hash.matches("[0-9a-f]{64}")) {
      throw new CorruptShardException(
          shard,
          "BigFile entry "
              + i
              + " ('"
              + uid
              + "') at offset "
              + entryOffset
              + " has hash of "
              + hashLen
              + " bytes, expected 64 lowercase hex characters");
    }
    long size = u64(shard, buf, "bigfile_size", i, entryOffset);
    String meta = readMeta(shard, buf, i, entryOffset);
    MetaJson.Parsed parsed = parseMeta(shard, meta, i, entryOffset);
    return new IndexEntry(
        uid, IndexEntry.Kind.BIGFILE, 0, 0, Codec.NONE, size, hash, parsed.crc32c(), parsed.storedCrc32c(), parsed.createdAt(), meta);
  }

  private static IndexEntry inline(
      String shard,
      ByteBuffer buf,
      String uid,
      int i,
      long entryOffset,
      long dataEnd,
      boolean hasMeta) // v2 entries end with meta, v1 entries do not
      throws CorruptShardException {
    long offset = u64(shard, buf, "offset", i, entryOffset);
    long length = u64(shard, buf, "length", i, entryOffset);
    int codecId = Byte.toUnsignedInt(buf.get());
    long compressed = u64(shard, buf, "compressed_size", i, entryOffset);
    long uncompressed = u64(shard, buf, "uncompressed_size", i, entryOffset);
    String meta = hasMeta ? readMeta(shard, buf, i, entryOffset) : null;
    String where = "index entry " + i + " ('" + uid + "') at offset " + entryOffset;
    Codec codec;
    try {
      codec = Codec.fromId(codecId);
    } catch (IllegalArgumentException e) {
      throw new CorruptShardException(shard, e.getMessage() + " in " + where);
    }
    if (offset < HEADER_SIZE) {
      throw new CorruptShardException(
          shard, where + " points to offset " + offset + ", inside the header (expected >= 8)");
    }
    if (length > dataEnd - offset) {
      throw new CorruptShardException(
          shard,
          "Indexed file extends beyond data section: "
              + where
              + " covers ["
              + offset
              + ", "
              + offset
              + "+"
              + length
              + "), data ends at "
              + dataEnd);
    }
    if (length != compressed) {
      throw new CorruptShardException(
          shard, where + " has length " + length + " but compressed_size " + compressed);
    }
    if (codec == Codec.NONE && uncompressed != length) {
      throw new CorruptShardException(
          shard, where + " is stored uncompressed with length " + length + " but uncompressed_size " + uncompressed);
    }
    MetaJson.Parsed parsed = meta == null ? MetaJson.Parsed.NONE : parseMeta(shard, meta, i, entryOffset);
    return new IndexEntry(uid, IndexEntry.Kind.INLINE, offset, length, codec, uncompressed, null, parsed.crc32c(), parsed.storedCrc32c(),
        parsed.createdAt(), meta);
  }

  private static long u64(String shard, ByteBuffer buf, String field, int i, long entryOffset)
      throws CorruptShardException {
    long v = buf.getLong();
    if (v < 0) {
      throw new CorruptShardException(
          shard,
          "index entry " + i + " at offset " + entryOffset + " has " + field + " "
              + Long.toUnsignedString(v) + ", larger than 2^63-1");
    }
    return v;
  }

  private static String readMeta(String shard, ByteBuffer buf, int i, long entryOffset)
      throws CorruptShardException {
    long metaLen = Integer.toUnsignedLong(buf.getInt());
    if (metaLen > buf.remaining()) {
      throw new CorruptShardException(
          shard,
          "Truncated entry while reading metadata: index entry " + i + " at offset " + entryOffset
              + " declares " + metaLen + " bytes of meta, " + buf.remaining() + " remain");
    }
    if (metaLen == 0) {
      return null;
    }
    byte[] meta = new byte[(int) metaLen];
    buf.get(meta);
    try {
      CharBuffer chars =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(meta));
      return chars.toString();
    } catch (CharacterCodingException e) {
      throw new CorruptShardException(
          shard, "index entry " + i + " at offset " + entryOffset + " has meta that is not valid UTF-8");
    }
  }

  private static MetaJson.Parsed parseMeta(String shard, String meta, int i, long entryOffset)
      throws CorruptShardException {
    if (meta == null) {
      return MetaJson.Parsed.NONE;
    }
    try {
      return MetaJson.parse(meta);
    } catch (IllegalArgumentException e) {
      throw new CorruptShardException(
          shard, e.getMessage() + " (index entry " + i + " at offset " + entryOffset + ")");
    }
  }

  private static void checkNoOverlap(String shard, List<IndexEntry> entries)
      throws CorruptShardException {
    List<IndexEntry> inline = new ArrayList<>(entries.size());
    for (IndexEntry e : entries) {
      if (!e.isBigFile() && e.length() > 0) {
        inline.add(e);
      }
    }
    inline.sort(Comparator.comparingLong(IndexEntry::offset));
    for (int k = 1; k < inline.size(); k++) {
      IndexEntry prev = inline.get(k - 1);
      IndexEntry cur = inline.get(k);
      if (cur.offset() < prev.offset() + prev.length()) {
        throw new CorruptShardException(
            shard,
            "entry '" + cur.uid() + "' at offset " + cur.offset() + " overlaps entry '" + prev.uid()
                + "' which ends at offset " + (prev.offset() + prev.length()));
      }
    }
  }

  /** Serializes one v2 entry. */
  static void writeInline(
      ByteArrayOutputStream out, byte[] uid, long offset, long length, Codec codec, long uncompressed, byte[] meta) {
    ByteBuffer b =
        ByteBuffer.allocate(NAME_LEN_LENGTH + uid.length + 1 + V2_INLINE_FIXED_LENGTH)
            .order(ByteOrder.LITTLE_ENDIAN);
    b.putShort((short) uid.length).put(uid).put((byte) 0);
    b.putLong(offset).putLong(length).put((byte) codec.id()).putLong(length).putLong(uncompressed);
    b.putInt(meta.length);
    out.write(b.array(), 0, b.position());
    out.write(meta, 0, meta.length);
  }

  static void writeBigFile(ByteArrayOutputStream out, byte[] uid, String sha256, long size, byte[] meta) {
    byte[] hash = sha256.getBytes(StandardCharsets.US_ASCII);
    ByteBuffer b =
        ByteBuffer.allocate(NAME_LEN_LENGTH + uid.length + 1 + V2_BIGFILE_HASH_LEN_LENGTH + hash.length + V2_BIGFILE_FIXED_AFTER_HASH)
            .order(ByteOrder.LITTLE_ENDIAN);
    b.putShort((short) uid.length).put(uid).put((byte) FLAG_BIGFILE);
    b.putShort((short) hash.length).put(hash).putLong(size).putInt(meta.length);
    out.write(b.array(), 0, b.position());
    out.write(meta, 0, meta.length);
  }
}
