package io.des.codec;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * zstd through zstd-jni: one-shot frames with the content size in the header, no checksum, no
 * dictionary, as upstream writes them (empty content gives the 9 bytes 28 B5 2F FD 20 00 01 00 00).
 * Decoding checks the declared content size against the expected size before allocating anything.
 */
final class ZstdFrames {

  static final int DEFAULT_LEVEL = 3;
  static final int MAX_LEVEL = 22;
  /**
   * Largest window a frame without a content size may use, unless the entry itself is larger: 8
   * MiB covers every standard level's streaming window (level 19 uses 2^23), while the decoder's
   * own default would let a 20-byte frame make it allocate 128 MiB.
   */
  static final int MIN_WINDOW_LOG_MAX = 23;

  private static final long CONTENT_SIZE_UNKNOWN = -1;
  private static final int MIN_HEADER_LENGTH = 6;

  private ZstdFrames() {}

  /** Upstream's rule: a level of 0 or less (Python None or 0) means 3. */
  static int effectiveLevel(int level) {
    return level <= 0 ? DEFAULT_LEVEL : level;
  }

  static byte[] compress(int level, byte[] src, int off, int len) {
    long bound = Zstd.compressBound(len);
    if (bound > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("Content of " + len + " bytes is too large for one zstd frame");
    }
    byte[] dst = scratch((int) bound);
    ZstdCompressCtx ctx = borrow();
    try {
      // Set every parameter each time: a pooled context remembers the previous caller's.
      ctx.setLevel(effectiveLevel(level)).setChecksum(false).setContentSize(true);
      int n = ctx.compressByteArray(dst, 0, dst.length, src, off, len);
      return Arrays.copyOf(dst, n);
    } finally {
      giveBack(ctx);
    }
  }

  /** Per-thread room for compressed frames up to this size; larger ones get an array of their own. */
  private static final int SCRATCH_MAX = 4 << 20;
  private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[64 * 1024]);

  /**
   * Where to compress {@code bound} bytes at most: the thread's scratch array (grown up to {@link
   * #SCRATCH_MAX}), since the frame is copied out at its real size anyway; a fresh array of the
   * bound per entry was a third of a packing worker's allocations.
   */
  private static byte[] scratch(int bound) {
    if (bound > SCRATCH_MAX) {
      return new byte[bound];
    }
    byte[] scratch = SCRATCH.get();
    if (scratch.length < bound) {
      scratch = new byte[Math.min(SCRATCH_MAX, Math.max(bound, scratch.length * 2))];
      SCRATCH.set(scratch);
    }
    return scratch;
  }

  /*
   * Creating a compression context costs about as much as compressing 4 KiB, and a decompression
   * context about as much as decoding one (a repack profile: half of its decoding time), so
   * contexts are pooled: small files are DES's common case. Each pool is bounded (a context holds
   * native memory sized for the largest frame it handled, and zstd-jni frees it only on close),
   * never shares a context between two threads at once, and closes contexts beyond the bound.
   */
  private static final int POOL_SIZE = 2 * Runtime.getRuntime().availableProcessors();
  private static final Pool<ZstdCompressCtx> COMPRESSORS = new Pool<>(ZstdCompressCtx::new, ZstdCompressCtx::reset, ZstdCompressCtx::close);
  private static final Pool<ZstdDecompressCtx> DECOMPRESSORS =
      new Pool<>(ZstdDecompressCtx::new, ZstdDecompressCtx::reset, ZstdDecompressCtx::close);

  private static ZstdCompressCtx borrow() {
    return COMPRESSORS.borrow();
  }

  private static void giveBack(ZstdCompressCtx ctx) {
    COMPRESSORS.giveBack(ctx);
  }

  /**
   * At most {@link #POOL_SIZE} idle contexts, each thread taking one for a call: an array under a
   * lock that is almost never contended (a queue node allocated per return, and its CAS, showed in
   * the retriever's profile).
   */
  private static final class Pool<T> {
    private final ArrayDeque<T> free = new ArrayDeque<>(POOL_SIZE);
    private final Supplier<T> create;
    private final Consumer<T> reset;
    private final Consumer<T> close;

    Pool(Supplier<T> create, Consumer<T> reset, Consumer<T> close) {
      this.create = create;
      this.reset = reset;
      this.close = close;
    }

    T borrow() {
      T ctx;
      synchronized (free) {
        ctx = free.pollLast();
      }
      return ctx != null ? ctx : create.get();
    }

    void giveBack(T ctx) {
      reset.accept(ctx);
      synchronized (free) {
        if (free.size() < POOL_SIZE) {
          free.addLast(ctx);
          return;
        }
      }
      close.accept(ctx);
    }
  }

  static byte[] decompress(byte[] src, int off, int len, int expected) throws CodecException {
    // zstd-jni indexes src[off] unchecked for empty input; the shortest frame header is 6 bytes.
    long declared = len < MIN_HEADER_LENGTH ? -2 : Zstd.getFrameContentSize(src, off, len);
    if (declared < CONTENT_SIZE_UNKNOWN) {
      throw CodecException.corrupt(
          Codec.ZSTD, "cannot read a frame header from " + len + " bytes");
    }
    if (declared != CONTENT_SIZE_UNKNOWN && declared != expected) {
      throw CodecException.declaredMismatch(Codec.ZSTD, expected, declared);
    }
    long frameLength;
    try {
      frameLength = Zstd.findFrameCompressedSize(src, off, len);
    } catch (ZstdException e) {
      throw CodecException.corrupt(Codec.ZSTD, e.getMessage(), e);
    }
    if (frameLength != len) {
      throw CodecException.corrupt(
          Codec.ZSTD, (len - frameLength) + " bytes follow the end of the frame");
    }
    byte[] out = new byte[expected];
    if (declared == CONTENT_SIZE_UNKNOWN) {
      // Streaming compressors omit the size; decode through the bounded stream instead.
      try (InputStream in = stream(new ByteArrayInputStream(src, off, len), expected)) {
        in.readNBytes(out, 0, expected);
        in.read(); // lets the bounded stream confirm the end
      } catch (CodecException e) {
        throw e;
      } catch (IOException e) {
        throw CodecException.corrupt(Codec.ZSTD, e.getMessage(), e);
      }
      return out;
    }
    long n;
    ZstdDecompressCtx ctx = DECOMPRESSORS.borrow();
    try {
      n = ctx.decompressByteArray(out, 0, expected, src, off, len);
    } catch (ZstdException e) {
      throw CodecException.corrupt(Codec.ZSTD, e.getMessage(), e);
    } finally {
      DECOMPRESSORS.giveBack(ctx);
    }
    if (n != expected) {
      throw CodecException.sizeMismatch(expected, n);
    }
    return out;
  }

  /** A bounded decoding stream over one or more zstd frames holding exactly expected bytes. */
  static InputStream stream(InputStream stored, long expected) throws IOException {
    ZstdInputStreamNoFinalizer zin = new ZstdInputStreamNoFinalizer(stored);
    int needed = 64 - Long.numberOfLeadingZeros(Math.max(expected - 1, 1));
    zin.setLongMax(Math.min(31, Math.max(MIN_WINDOW_LOG_MAX, needed)));
    return new BoundedDecodingStream(zin, expected, Codec.ZSTD);
  }
}
