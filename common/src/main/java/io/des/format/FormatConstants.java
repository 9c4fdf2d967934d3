package io.des.format;

import java.nio.charset.StandardCharsets;

/** Sizes and offsets of the shard format, chained so that each follows from the one before. */
final class FormatConstants {
  private FormatConstants() {}

  static final byte[] HEADER_MAGIC = "DES2".getBytes(StandardCharsets.US_ASCII);
  static final byte[] FOOTER_MAGIC = "DESI".getBytes(StandardCharsets.US_ASCII);
  static final byte[] SEAL_MAGIC = "DESX".getBytes(StandardCharsets.US_ASCII);

  static final int VERSION_1 = 1;
  static final int VERSION_2 = 2;

  // Header
  static final int HEADER_MAGIC_OFFSET = 0;
  static final int HEADER_MAGIC_LENGTH = 4;
  static final int HEADER_VERSION_OFFSET = HEADER_MAGIC_OFFSET + HEADER_MAGIC_LENGTH;
  static final int HEADER_VERSION_LENGTH = 1;
  static final int HEADER_RESERVED_OFFSET = HEADER_VERSION_OFFSET + HEADER_VERSION_LENGTH;
  static final int HEADER_RESERVED_LENGTH = 3;
  static final int HEADER_SIZE = HEADER_RESERVED_OFFSET + HEADER_RESERVED_LENGTH;

  // Footer
  static final int FOOTER_MAGIC_OFFSET = 0;
  static final int FOOTER_MAGIC_LENGTH = 4;
  static final int FOOTER_INDEX_SIZE_OFFSET = FOOTER_MAGIC_OFFSET + FOOTER_MAGIC_LENGTH;
  static final int FOOTER_INDEX_SIZE_LENGTH = 8;
  static final int FOOTER_SIZE = FOOTER_INDEX_SIZE_OFFSET + FOOTER_INDEX_SIZE_LENGTH;

  /** Upstream's minimum: header + entry count + footer. */
  static final int MIN_SHARD_SIZE = HEADER_SIZE + 4 + FOOTER_SIZE;
  /** The upstream "file too small" threshold, checked after the header. */
  static final int UPSTREAM_MIN_FILE_SIZE = 20;

  // Seal
  static final int SEAL_MAGIC_OFFSET = 0;
  static final int SEAL_MAGIC_LENGTH = 4;
  static final int SEAL_VERSION_OFFSET = SEAL_MAGIC_OFFSET + SEAL_MAGIC_LENGTH;
  static final int SEAL_FORMAT_VERSION_OFFSET = SEAL_VERSION_OFFSET + 1;
  static final int SEAL_N_BITS_OFFSET = SEAL_FORMAT_VERSION_OFFSET + 1;
  static final int SEAL_RESERVED1_OFFSET = SEAL_N_BITS_OFFSET + 1;
  static final int SEAL_ENTRY_COUNT_OFFSET = SEAL_RESERVED1_OFFSET + 1;
  static final int SEAL_INDEX_CRC_OFFSET = SEAL_ENTRY_COUNT_OFFSET + 4;
  static final int SEAL_OFFSET_OFFSET = SEAL_INDEX_CRC_OFFSET + 4;
  static final int SEAL_RESERVED2_OFFSET = SEAL_OFFSET_OFFSET + 8;
  static final int SEAL_CRC_OFFSET = SEAL_RESERVED2_OFFSET + 4;
  static final int SEAL_SIZE = SEAL_CRC_OFFSET + 4;
  static final int SEAL_VERSION = 1;

  // Index
  static final int INDEX_COUNT_LENGTH = 4;
  static final int NAME_LEN_LENGTH = 2;
  static final int MAX_UID_BYTES = 0xFFFF;
  /** v1 entry after the uid: offset, length, codec, compressed, uncompressed. */
  static final int V1_FIXED_LENGTH = 8 + 8 + 1 + 8 + 8;
  /** v2 inline entry after the uid and flags, before the meta: as v1, plus meta_len. */
  static final int V2_INLINE_FIXED_LENGTH = V1_FIXED_LENGTH + 4;
  /** v2 BigFile entry after the uid and flags, before hash and meta. */
  static final int V2_BIGFILE_HASH_LEN_LENGTH = 2;
  static final int V2_BIGFILE_FIXED_AFTER_HASH = 8 + 4;
  static final int SHA256_HEX_LENGTH = 64;

  static final int FLAG_BIGFILE = 0x01;
  static final int KNOWN_FLAGS = FLAG_BIGFILE;

  /** The smallest possible entry of each version, for entry_count plausibility. */
  static final int MIN_V1_ENTRY = NAME_LEN_LENGTH + V1_FIXED_LENGTH;
  static final int MIN_V2_ENTRY = NAME_LEN_LENGTH + 1 + V2_INLINE_FIXED_LENGTH;

  /** Meta keys DES reserves. */
  static final String META_CRC32C = "crc32c";
  static final String META_CREATED_AT = "created_at";
  static final String META_STORED_CRC32C = "stored_crc32c";
}
