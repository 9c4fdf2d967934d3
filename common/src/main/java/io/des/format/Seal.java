package io.des.format;

import static io.des.format.FormatConstants.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32C;

/** The 32-byte seal DES writes before the index (docs/format.md, "Seal"). */
record Seal(int formatVersion, int nBits, long entryCount, long indexCrc32c, long sealOffset) {

  static byte[] encode(int formatVersion, int nBits, long entryCount, byte[] index, long sealOffset) {
    ByteBuffer b = ByteBuffer.allocate(SEAL_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.put(SEAL_MAGIC)
        .put((byte) SEAL_VERSION)
        .put((byte) formatVersion)
        .put((byte) nBits)
        .put((byte) 0)
        .putInt((int) entryCount)
        .putInt((int) crc32c(index, 0, index.length))
        .putLong(sealOffset)
        .putInt(0);
    b.putInt((int) crc32c(b.array(), 0, SEAL_CRC_OFFSET));
    return b.array();
  }

  static boolean hasMagic(byte[] bytes, int at) {
    return at >= 0
        && at + SEAL_SIZE <= bytes.length
        && Arrays.equals(bytes, at, at + SEAL_MAGIC_LENGTH, SEAL_MAGIC, 0, SEAL_MAGIC_LENGTH);
  }

  /**
   * Decodes and checks a seal found at {@code sealOffset}; the caller has seen the magic.
   *
   * @throws CorruptShardException if the seal's own checksum, version, offset or reserved bytes are
   *     wrong
   */
  static Seal decode(String shard, byte[] bytes, int at, long sealOffset) throws CorruptShardException {
    ByteBuffer b = ByteBuffer.wrap(bytes, at, SEAL_SIZE).slice().order(ByteOrder.LITTLE_ENDIAN);
    long stored = Integer.toUnsignedLong(b.getInt(SEAL_CRC_OFFSET));
    long actual = crc32c(bytes, at, SEAL_CRC_OFFSET);
    if (stored != actual) {
      throw new CorruptShardException(
          shard,
          "seal at offset " + sealOffset + " has checksum " + MetaJson.crc32cHex(stored)
              + ", computed " + MetaJson.crc32cHex(actual));
    }
    int sealVersion = Byte.toUnsignedInt(b.get(SEAL_VERSION_OFFSET));
    if (sealVersion != SEAL_VERSION) {
      throw new CorruptShardException(
          shard, "seal at offset " + sealOffset + " has version " + sealVersion + ", expected 1");
    }
    int formatVersion = Byte.toUnsignedInt(b.get(SEAL_FORMAT_VERSION_OFFSET));
    if (formatVersion != VERSION_2) {
      throw new CorruptShardException(
          shard, "seal at offset " + sealOffset + " records format version " + formatVersion + ", expected 2");
    }
    long recordedOffset = b.getLong(SEAL_OFFSET_OFFSET);
    if (recordedOffset != sealOffset) {
      throw new CorruptShardException(
          shard, "seal found at offset " + sealOffset + " records offset " + recordedOffset);
    }
    if (b.get(SEAL_RESERVED1_OFFSET) != 0 || b.getInt(SEAL_RESERVED2_OFFSET) != 0) {
      throw new CorruptShardException(shard, "seal at offset " + sealOffset + " has non-zero reserved bytes");
    }
    return new Seal(
        formatVersion,
        Byte.toUnsignedInt(b.get(SEAL_N_BITS_OFFSET)),
        Integer.toUnsignedLong(b.getInt(SEAL_ENTRY_COUNT_OFFSET)),
        Integer.toUnsignedLong(b.getInt(SEAL_INDEX_CRC_OFFSET)),
        sealOffset);
  }

  static long crc32c(byte[] bytes, int off, int len) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, off, len);
    return crc.getValue();
  }
}
