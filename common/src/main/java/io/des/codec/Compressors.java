package io.des.codec;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * Compresses and decompresses entry payloads in upstream's formats (one zstd frame with its content
 * size; one LZ4 frame), bounded and thread-safe. Decompression never allocates more than the
 * expected size plus a small constant, refuses expected sizes above the caller's limit, and turns
 * every malformed, truncated, oversized or undersized input into a {@link CodecException}, never an
 * {@link OutOfMemoryError} or a runtime exception.
 */
public final class Compressors {

  /** The in-memory limit used when the caller gives none; larger entries should be streamed. */
  public static final int DEFAULT_MAX_ENTRY_BYTES = 64 * 1024 * 1024;

  private Compressors() {}

  /**
   * Compresses src[off, off + len) into a new array. zstd: a level of 0 or less means 3 (upstream's
   * rule), at most 22. LZ4: 2 or less is the fast compressor, 3 to 12 LZ4 HC. NONE returns a copy.
   *
   * @throws IllegalArgumentException for a level outside those ranges
   */
  public static byte[] compress(Codec codec, int level, byte[] src, int off, int len) {
    Objects.checkFromIndexSize(off, len, src.length);
    checkLevel(codec, level);
    return switch (codec) {
      case NONE -> Arrays.copyOfRange(src, off, off + len);
      case ZSTD -> ZstdFrames.compress(level, src, off, len);
      case LZ4 -> Lz4Frames.compress(Lz4Frames.compressor(level), src, off, len);
    };
  }

  /**
   * Validates a level for a codec, as {@link #compress} would.
   *
   * @throws IllegalArgumentException naming the codec, the level and the valid range
   */
  public static void checkLevel(Codec codec, int level) {
    if (codec == Codec.ZSTD && level > ZstdFrames.MAX_LEVEL) {
      throw new IllegalArgumentException(
          "zstd level " + level + " is above 22 (0 or less means the default, 3)");
    }
    if (codec == Codec.LZ4 && level > 12) {
      throw new IllegalArgumentException(
          "lz4 level " + level + " is above 12 (2 or less means the fast compressor)");
    }
  }

  /** {@link #decompress(Codec, byte[], int, int, int, int)} with {@link #DEFAULT_MAX_ENTRY_BYTES}. */
  public static byte[] decompress(Codec codec, byte[] src, int off, int len, int expectedSize)
      throws CodecException {
    return decompress(codec, src, off, len, expectedSize, DEFAULT_MAX_ENTRY_BYTES);
  }

  /**
   * Decodes src[off, off + len), which must be exactly one frame (nothing after it), into a new
   * array of exactly expectedSize bytes. The declared size of a frame is checked before anything is
   * allocated; decoding stops at expectedSize. For NONE the stored length must equal expectedSize:
   * upstream does not check that for uncompressed entries, so a reader of upstream shards that
   * wants upstream's leniency passes the stored length as the expected size.
   *
   * @throws CodecException "Decompressed size mismatch: expected X, got Y" (or "...got more than
   *     X", or "...the zstd frame declares Y"), "Corrupt lz4 frame: ...", "Corrupt zstd frame:
   *     ...", or when expectedSize exceeds maxEntryBytes
   */
  public static byte[] decompress(
      Codec codec, byte[] src, int off, int len, int expectedSize, int maxEntryBytes)
      throws CodecException {
    Objects.checkFromIndexSize(off, len, src.length);
    checkExpected(expectedSize, maxEntryBytes);
    return switch (codec) {
      case NONE -> {
        if (len != expectedSize) {
          throw new CodecException(
              "Stored size mismatch: expected " + expectedSize + ", got " + len);
        }
        yield Arrays.copyOfRange(src, off, off + len);
      }
      case ZSTD -> ZstdFrames.decompress(src, off, len, expectedSize);
      case LZ4 -> Lz4Frames.decompress(src, off, len, expectedSize);
    };
  }

  /**
   * A stream of the decoded bytes of one stored entry, for entries too large to hold in memory.
   * Memory stays bounded (zstd: the decoder's buffers and a window of at most max(8 MiB, expected);
   * lz4: at most 64 KiB of history plus one block) whatever the input claims. read() throws {@link
   * CodecException} when the data is malformed or decodes to more or fewer than expectedSize bytes;
   * the read that delivers the last byte already checks that nothing follows. Closing the returned
   * stream closes {@code stored}.
   */
  public static InputStream decompressingStream(Codec codec, InputStream stored, long expectedSize)
      throws IOException {
    Objects.requireNonNull(stored, "stored");
    if (expectedSize < 0) {
      throw new IllegalArgumentException("expected size " + expectedSize + " is negative");
    }
    return switch (codec) {
      case NONE -> new BoundedDecodingStream(stored, expectedSize, Codec.NONE);
      case ZSTD -> ZstdFrames.stream(stored, expectedSize);
      case LZ4 ->
          new BoundedDecodingStream(
              new Lz4FrameDecodingStream(stored, expectedSize), expectedSize, Codec.LZ4);
    };
  }

  private static void checkExpected(int expectedSize, int maxEntryBytes) throws CodecException {
    if (expectedSize < 0) {
      throw new CodecException("Expected size " + expectedSize + " is negative");
    }
    if (expectedSize > maxEntryBytes) {
      throw new CodecException(
          "Entry of "
              + expectedSize
              + " bytes exceeds the in-memory limit of "
              + maxEntryBytes
              + " bytes; stream it with decompressingStream");
    }
  }
}
