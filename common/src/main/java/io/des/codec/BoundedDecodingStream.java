package io.des.codec;

import com.github.luben.zstd.ZstdException;
import com.github.luben.zstd.ZstdIOException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * Passes through exactly the expected number of bytes from a decoder: ending early, producing more,
 * or a decoder error becomes a {@link CodecException} thrown from read(). The check for extra output
 * happens eagerly, in the read that delivers the last expected byte, so a caller that stops reading
 * at the expected size still learns about an overrun. After a failure every read fails again.
 * I/O errors of the underlying stored stream pass through unchanged (they may be retryable).
 */
final class BoundedDecodingStream extends InputStream {

  private static final int MAX_EMPTY_READS = 1 << 16;

  private final InputStream decoder;
  private final long expected;
  private final Codec codec;
  private final byte[] single = new byte[1];
  private long count;
  private boolean endConfirmed;
  private CodecException failure;

  BoundedDecodingStream(InputStream decoder, long expected, Codec codec) {
    if (expected < 0) {
      throw new IllegalArgumentException("expected size " + expected + " is negative");
    }
    this.decoder = decoder;
    this.expected = expected;
    this.codec = codec;
  }

  @Override
  public int read() throws IOException {
    int n = read(single, 0, 1);
    return n < 0 ? -1 : single[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (failure != null) {
      throw failure;
    }
    if (count == expected) {
      confirmEnd();
      return -1;
    }
    if (len == 0) {
      return 0;
    }
    int want = (int) Math.min(len, expected - count);
    int n = decode(b, off, want);
    if (n < 0) {
      throw fail(mismatch(count));
    }
    count += n;
    if (count == expected) {
      confirmEnd();
    }
    return n;
  }

  @Override
  public int available() throws IOException {
    return 0;
  }

  @Override
  public void close() throws IOException {
    decoder.close();
  }

  private void confirmEnd() throws IOException {
    if (endConfirmed) {
      return;
    }
    if (decode(single, 0, 1) > 0) {
      throw fail(
          codec == Codec.NONE
              ? new CodecException(
                  "Stored size mismatch: expected " + expected + ", got more than " + expected)
              : CodecException.overrun(expected));
    }
    endConfirmed = true;
  }

  private CodecException mismatch(long actual) {
    return codec == Codec.NONE
        ? new CodecException("Stored size mismatch: expected " + expected + ", got " + actual)
        : CodecException.sizeMismatch(expected, actual);
  }

  private int decode(byte[] b, int off, int len) throws IOException {
    try {
      // A decoder may return 0 while it consumes input without producing output (a zstd frame
      // header, an empty lz4 block); ask again rather than handing a 0 to our caller.
      for (int attempt = 0; attempt < MAX_EMPTY_READS; attempt++) {
        int n = decoder.read(b, off, len);
        if (n != 0) {
          return n;
        }
      }
      throw CodecException.corrupt(codec, "the decoder made no progress in " + MAX_EMPTY_READS + " reads");
    } catch (CodecException e) {
      throw fail(e);
    } catch (ZstdIOException | ZstdException e) {
      throw fail(CodecException.corrupt(codec, e.getMessage(), e));
    }
  }

  private CodecException fail(CodecException e) {
    failure = e;
    return e;
  }
}
