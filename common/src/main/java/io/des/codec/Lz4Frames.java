package io.des.codec;

import java.util.Arrays;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;

/**
 * One-shot LZ4 frames, compatible with python-lz4's {@code lz4.frame}. Writing: 64 KiB blocks, the
 * content size in the header when not empty, no checksums, and <em>independent</em> blocks
 * (python-lz4 links blocks of inputs over 64 KiB; readers must accept both, and independent blocks
 * let lz4-java's own frame reader read DES frames too). A block that does not shrink is stored raw,
 * as liblz4 does, so content of 64 KiB or less gives the same bytes as {@code
 * lz4.frame.compress(data)}. Reading: linked or independent blocks, optional block and content
 * checksums verified, output bounded by the expected size.
 */
final class Lz4Frames {

  static final int BLOCK_SIZE = 64 * 1024;
  private static final int END_MARK_LENGTH = 4;
  private static final int RAW_BLOCK = 0x80000000;
  private static final LZ4Factory FACTORY = LZ4Factory.fastestInstance();

  private Lz4Frames() {}

  /**
   * The compressor python-lz4 would use for this level: 2 or below is the fast compressor, 3 to 12
   * LZ4 HC at that level (LZ4 HC's maximum is 12).
   */
  static LZ4Compressor compressor(int level) {
    return level < 3 ? FACTORY.fastCompressor() : FACTORY.highCompressor(level);
  }

  static byte[] compress(LZ4Compressor compressor, byte[] src, int off, int len) {
    int firstBlock = Math.min(len, BLOCK_SIZE);
    int blocks = (len + BLOCK_SIZE - 1) / BLOCK_SIZE;
    // Each stored block is at most its raw size; the slack lets the compressor overshoot once.
    long capacity =
        Lz4FrameHeader.MAX_LENGTH
            + 4L * blocks
            + len
            + (compressor.maxCompressedLength(firstBlock) - firstBlock)
            + END_MARK_LENGTH;
    if (capacity > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("Content of " + len + " bytes is too large for one lz4 frame");
    }
    byte[] out = new byte[(int) capacity];
    int pos = Lz4FrameHeader.write(out, len);
    for (int start = 0; start < len; start += BLOCK_SIZE) {
      int n = Math.min(BLOCK_SIZE, len - start);
      int compressed =
          compressor.compress(src, off + start, n, out, pos + 4, compressor.maxCompressedLength(n));
      if (compressed >= n) {
        System.arraycopy(src, off + start, out, pos + 4, n);
        Lz4FrameHeader.writeIntLe(out, pos, n | RAW_BLOCK);
        pos += 4 + n;
      } else {
        Lz4FrameHeader.writeIntLe(out, pos, compressed);
        pos += 4 + compressed;
      }
    }
    Lz4FrameHeader.writeIntLe(out, pos, 0);
    return Arrays.copyOf(out, pos + END_MARK_LENGTH);
  }

  /** Decodes one frame that must fill src[off, off + len) exactly into a new array of expected bytes. */
  static byte[] decompress(byte[] src, int off, int len, int expected) throws CodecException {
    Lz4FrameHeader h = Lz4FrameHeader.parse(src, off, len);
    if (h.contentSize() != Lz4FrameHeader.NO_CONTENT_SIZE && h.contentSize() != expected) {
      throw CodecException.declaredMismatch(Codec.LZ4, expected, h.contentSize());
    }
    byte[] out = new byte[expected];
    int end = off + len;
    int sp = off + h.length();
    int dp = 0;
    while (true) {
      if (end - sp < 4) {
        throw CodecException.corrupt(Codec.LZ4, "frame ends without an end mark");
      }
      int word = Lz4FrameHeader.readIntLe(src, sp);
      sp += 4;
      if (word == 0) {
        break;
      }
      int size = word & ~RAW_BLOCK;
      checkBlockSize(h, size, end - sp);
      if (h.blockChecksums()) {
        verifyBlockChecksum(src, sp, size, end);
      }
      int room = expected - dp;
      if ((word & RAW_BLOCK) != 0) {
        if (size > room) {
          throw CodecException.overrun(expected);
        }
        System.arraycopy(src, sp, out, dp, size);
        dp += size;
      } else {
        int limit = Math.min(room, h.blockMaxSize());
        int n =
            Lz4BlockDecoder.decode(
                src, sp, sp + size, out, dp, dp + limit, h.independentBlocks() ? dp : 0);
        if (n == Lz4BlockDecoder.OUTPUT_FULL) {
          throw room <= h.blockMaxSize() ? CodecException.overrun(expected) : blockTooLarge(h);
        }
        dp += n;
      }
      sp += size + (h.blockChecksums() ? 4 : 0);
    }
    if (h.contentChecksum()) {
      if (end - sp < 4) {
        throw CodecException.corrupt(Codec.LZ4, "content checksum truncated");
      }
      verifyContentChecksum(Lz4FrameHeader.XXHASH.hash(out, 0, dp, 0), Lz4FrameHeader.readIntLe(src, sp));
      sp += 4;
    }
    if (dp != expected) {
      throw CodecException.sizeMismatch(expected, dp);
    }
    if (sp != end) {
      throw CodecException.corrupt(Codec.LZ4, (end - sp) + " bytes follow the end of the frame");
    }
    return out;
  }

  static void checkBlockSize(Lz4FrameHeader h, int size, long available) throws CodecException {
    if (size > h.blockMaxSize()) {
      throw CodecException.corrupt(
          Codec.LZ4,
          "block of " + size + " bytes exceeds the frame's maximum block size " + h.blockMaxSize());
    }
    if (size > available) {
      throw CodecException.corrupt(
          Codec.LZ4, "block of " + size + " bytes truncated to " + available);
    }
  }

  static CodecException blockTooLarge(Lz4FrameHeader h) {
    return CodecException.corrupt(
        Codec.LZ4, "a block decodes to more than the maximum block size " + h.blockMaxSize());
  }

  static void verifyContentChecksum(int actual, int stored) throws CodecException {
    if (actual != stored) {
      throw CodecException.corrupt(
          Codec.LZ4,
          String.format("content checksum is %08X, expected %08X", stored, actual));
    }
  }

  private static void verifyBlockChecksum(byte[] src, int sp, int size, int end)
      throws CodecException {
    if (end - sp - size < 4) {
      throw CodecException.corrupt(Codec.LZ4, "block checksum truncated");
    }
    int actual = Lz4FrameHeader.XXHASH.hash(src, sp, size, 0);
    int stored = Lz4FrameHeader.readIntLe(src, sp + size);
    if (actual != stored) {
      throw CodecException.corrupt(
          Codec.LZ4, String.format("block checksum is %08X, expected %08X", stored, actual));
    }
  }
}
