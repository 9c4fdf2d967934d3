package io.des.format;

import io.des.codec.Codec;
import java.util.Objects;

/**
 * One entry of a shard index, validated against the shard it came from. An inline entry has its
 * stored bytes at {@code [offset, offset + length)} of the shard; a BigFile entry has its content in
 * {@code _bigFiles/<bigFileSha256>} and {@code offset == length == 0}.
 *
 * @param crc32c CRC-32C of the uncompressed content, or {@link #NO_CHECKSUM} (upstream shards)
 * @param storedCrc32c CRC-32C of the stored (compressed) bytes, or {@link #NO_CHECKSUM}: DES writes it
 *     for compressed entries (for uncompressed ones the stored bytes are the content)
 * @param createdAt the {@code created_at} meta value as written, or null
 * @param metaJson the raw meta JSON object, or null when the entry has none
 */
public record IndexEntry(
    String uid,
    Kind kind,
    long offset,
    long length,
    Codec codec,
    long uncompressedSize,
    String bigFileSha256,
    long crc32c,
    long storedCrc32c,
    String createdAt,
    String metaJson) {

  /** Where the content of an entry lives. */
  public enum Kind {
    INLINE,
    BIGFILE
  }

  public static final long NO_CHECKSUM = -1;

  public IndexEntry {
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(codec, "codec");
  }

  public boolean isBigFile() {
    return kind == Kind.BIGFILE;
  }

  public boolean hasChecksum() {
    return crc32c != NO_CHECKSUM;
  }

  /**
   * The CRC-32C the stored bytes must have, or {@link #NO_CHECKSUM} when only decoding can check
   * them (compressed entries written before DES recorded {@code stored_crc32c}, upstream entries).
   * A copy whose stored bytes match it is the entry as written, without decoding.
   */
  public long expectedStoredCrc32c() {
    if (storedCrc32c != NO_CHECKSUM) {
      return storedCrc32c;
    }
    return kind == Kind.INLINE && codec == Codec.NONE ? crc32c : NO_CHECKSUM;
  }

  /** Content size once decoded: the uncompressed size, or the BigFile's size. */
  public long contentSize() {
    return uncompressedSize;
  }

  /** A rough count of heap bytes this entry holds, for byte-bounded caches. */
  long estimatedHeapBytes() {
    return 96L
        + 2L * uid.length()
        + (metaJson == null ? 0 : 40L + 2L * metaJson.length())
        + (createdAt == null ? 0 : 40L + 2L * createdAt.length())
        + (bigFileSha256 == null ? 0 : 170);
  }
}
