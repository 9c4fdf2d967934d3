package io.des.codec;

/**
 * A bounds-checked decoder for one LZ4 block that may refer back into output decoded before it.
 * lz4-java (1.14.0) cannot do this: its safe decompressors reject matches before the destination
 * offset, and its LZ4FrameInputStream refuses linked-block frames outright ("Dependent block stream
 * is unsupported"), yet python-lz4 links the blocks of every frame longer than one block. Every read
 * and write is checked, so hostile input fails with {@link CodecException} and never writes outside
 * [dp, dEnd) or reads outside [sp, sEnd).
 */
final class Lz4BlockDecoder {

  /** Returned when the block would write past dEnd; the caller knows whether that is an overrun. */
  static final int OUTPUT_FULL = -1;

  private Lz4BlockDecoder() {}

  /**
   * Decodes src[sp, sEnd) into dst starting at dp, writing no further than dEnd. Matches may reach
   * back to windowStart (0 for linked blocks, dp for independent ones).
   *
   * @return the number of bytes written, or {@link #OUTPUT_FULL}
   */
  static int decode(byte[] src, int sp, int sEnd, byte[] dst, int dp, int dEnd, int windowStart)
      throws CodecException {
    final int dStart = dp;
    final int sStart = sp;
    while (true) {
      if (sp >= sEnd) {
        throw corrupt("block ends inside a sequence", sp - sStart);
      }
      int token = src[sp++] & 0xFF;
      int literals = token >>> 4;
      if (literals == 15) {
        int b;
        do {
          if (sp >= sEnd) {
            throw corrupt("literal length runs past the end of the block", sp - sStart);
          }
          b = src[sp++] & 0xFF;
          literals += b;
        } while (b == 255 && literals <= sEnd);
      }
      if (literals > sEnd - sp) {
        throw corrupt("literal run of " + literals + " bytes runs past the end of the block", sp - sStart);
      }
      if (literals > dEnd - dp) {
        return OUTPUT_FULL;
      }
      System.arraycopy(src, sp, dst, dp, literals);
      sp += literals;
      dp += literals;
      if (sp == sEnd) {
        return dp - dStart; // the last sequence of a block has literals only
      }
      if (sEnd - sp < 2) {
        throw corrupt("match offset truncated", sp - sStart);
      }
      int offset = (src[sp] & 0xFF) | (src[sp + 1] & 0xFF) << 8;
      sp += 2;
      if (offset == 0 || offset > dp - windowStart) {
        throw corrupt("match offset " + offset + " reaches before the start of the window", sp - 2 - sStart);
      }
      int matchLength = token & 0x0F;
      if (matchLength == 15) {
        int b;
        do {
          if (sp >= sEnd) {
            throw corrupt("match length runs past the end of the block", sp - sStart);
          }
          b = src[sp++] & 0xFF;
          matchLength += b;
        } while (b == 255 && matchLength <= dEnd);
      }
      matchLength += 4;
      if (matchLength > dEnd - dp) {
        return OUTPUT_FULL;
      }
      int from = dp - offset;
      if (offset >= matchLength) {
        System.arraycopy(dst, from, dst, dp, matchLength);
        dp += matchLength;
      } else {
        // Overlapping match: the bytes repeat with period `offset`; copy in growing chunks so each
        // System.arraycopy reads only bytes that are already final.
        while (matchLength > 0) {
          int n = Math.min(matchLength, dp - from);
          System.arraycopy(dst, from, dst, dp, n);
          dp += n;
          matchLength -= n;
        }
      }
    }
  }

  private static CodecException corrupt(String detail, int position) {
    return CodecException.corrupt(Codec.LZ4, detail + " at byte " + position + " of a block");
  }
}
