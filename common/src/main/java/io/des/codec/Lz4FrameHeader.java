package io.des.codec;

import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * The validated header of an LZ4 frame (magic, FLG, BD, optional content size, header checksum),
 * per the LZ4 frame format 1.6.x. Dictionary ids and skippable frames are rejected: no DES or
 * upstream writer produces them.
 */
record Lz4FrameHeader(
    boolean independentBlocks,
    boolean blockChecksums,
    boolean contentChecksum,
    long contentSize,
    int blockMaxSize,
    int length) {

  static final int MAGIC = 0x184D2204;
  static final int MIN_LENGTH = 7;
  static final int MAX_LENGTH = 15;
  static final int FLG_VERSION_01 = 0x40;
  static final int FLG_BLOCK_INDEPENDENCE = 0x20;
  static final int FLG_BLOCK_CHECKSUM = 0x10;
  static final int FLG_CONTENT_SIZE = 0x08;
  static final int FLG_CONTENT_CHECKSUM = 0x04;
  static final int FLG_RESERVED = 0x02;
  static final int FLG_DICT_ID = 0x01;
  static final int BD_64KB = 0x40;
  /** The content size, or -1 when the frame does not carry one. */
  static final long NO_CONTENT_SIZE = -1;

  static final XXHash32 XXHASH = XXHashFactory.fastestInstance().hash32();

  /** The header length implied by the FLG byte (at offset 4); lets a stream read exactly that much. */
  static int lengthFor(int flg) {
    return MIN_LENGTH + ((flg & FLG_CONTENT_SIZE) != 0 ? 8 : 0) + ((flg & FLG_DICT_ID) != 0 ? 4 : 0);
  }

  /** Parses and verifies the header at b[off]; avail is how many bytes follow off. */
  static Lz4FrameHeader parse(byte[] b, int off, int avail) throws CodecException {
    if (avail < MIN_LENGTH) {
      throw CodecException.corrupt(
          Codec.LZ4, avail + " bytes are too short for a frame header (at least 7)");
    }
    int magic = readIntLe(b, off);
    if (magic != MAGIC) {
      throw CodecException.corrupt(
          Codec.LZ4,
          String.format(
              "magic is %02X %02X %02X %02X, expected 04 22 4D 18",
              b[off], b[off + 1], b[off + 2], b[off + 3]));
    }
    int flg = b[off + 4] & 0xFF;
    int bd = b[off + 5] & 0xFF;
    if ((flg & 0xC0) != FLG_VERSION_01) {
      throw CodecException.corrupt(Codec.LZ4, "version " + (flg >>> 6) + " in FLG, expected 1");
    }
    if ((flg & FLG_RESERVED) != 0 || (bd & 0x8F) != 0) {
      throw CodecException.corrupt(
          Codec.LZ4, String.format("reserved bits set in FLG %02X or BD %02X", flg, bd));
    }
    if ((flg & FLG_DICT_ID) != 0) {
      throw CodecException.corrupt(Codec.LZ4, "frames with a dictionary id are not supported");
    }
    int blockSizeId = bd >>> 4;
    if (blockSizeId < 4) {
      throw CodecException.corrupt(Codec.LZ4, "block size id " + blockSizeId + ", expected 4 to 7");
    }
    int length = lengthFor(flg);
    if (avail < length) {
      throw CodecException.corrupt(
          Codec.LZ4, "header truncated: " + avail + " of " + length + " bytes");
    }
    long contentSize = NO_CONTENT_SIZE;
    if ((flg & FLG_CONTENT_SIZE) != 0) {
      contentSize = (readIntLe(b, off + 6) & 0xFFFFFFFFL) | (long) readIntLe(b, off + 10) << 32;
      if (contentSize < 0) {
        throw CodecException.corrupt(
            Codec.LZ4, "content size " + Long.toUnsignedString(contentSize) + " is too large");
      }
    }
    int expectedHc = (XXHASH.hash(b, off + 4, length - 5, 0) >>> 8) & 0xFF;
    int hc = b[off + length - 1] & 0xFF;
    if (hc != expectedHc) {
      throw CodecException.corrupt(
          Codec.LZ4, String.format("header checksum is %02X, expected %02X", hc, expectedHc));
    }
    return new Lz4FrameHeader(
        (flg & FLG_BLOCK_INDEPENDENCE) != 0,
        (flg & FLG_BLOCK_CHECKSUM) != 0,
        (flg & FLG_CONTENT_CHECKSUM) != 0,
        contentSize,
        1 << (8 + 2 * blockSizeId),
        length);
  }

  /**
   * Writes the header of a DES frame (independent 64 KiB blocks, no checksums, the content size
   * when not empty) at out[0] and returns its length.
   */
  static int write(byte[] out, long contentSize) {
    writeIntLe(out, 0, MAGIC);
    boolean withSize = contentSize > 0; // python-lz4 omits the size of empty content (FLG 0x60)
    out[4] = (byte) (FLG_VERSION_01 | FLG_BLOCK_INDEPENDENCE | (withSize ? FLG_CONTENT_SIZE : 0));
    out[5] = (byte) BD_64KB;
    int length = MIN_LENGTH;
    if (withSize) {
      writeIntLe(out, 6, (int) contentSize);
      writeIntLe(out, 10, (int) (contentSize >>> 32));
      length += 8;
    }
    out[length - 1] = (byte) (XXHASH.hash(out, 4, length - 5, 0) >>> 8);
    return length;
  }

  static int readIntLe(byte[] b, int off) {
    return (b[off] & 0xFF)
        | (b[off + 1] & 0xFF) << 8
        | (b[off + 2] & 0xFF) << 16
        | (b[off + 3] & 0xFF) << 24;
  }

  static void writeIntLe(byte[] b, int off, int v) {
    b[off] = (byte) v;
    b[off + 1] = (byte) (v >>> 8);
    b[off + 2] = (byte) (v >>> 16);
    b[off + 3] = (byte) (v >>> 24);
  }
}
