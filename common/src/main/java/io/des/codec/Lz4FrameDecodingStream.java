package io.des.codec;

import java.io.IOException;
import java.io.InputStream;
import net.jpountz.xxhash.StreamingXXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * Streaming form of {@link Lz4Frames#decompress}: reads one LZ4 frame (linked or independent blocks)
 * from a stream and never decodes more than the expected size. Memory is bounded whatever the input
 * claims: a window of min(64 KiB, expected) for linked blocks, one decoded block of min(max block
 * size, expected), and one compressed block no larger than what could still decode to the bytes
 * that remain.
 */
final class Lz4FrameDecodingStream extends InputStream {

  private static final int HISTORY = 64 * 1024;

  private final InputStream in;
  private final long expected;
  private Lz4FrameHeader header;
  private StreamingXXHash32 contentHash;
  private byte[] window = new byte[0];
  private byte[] block = new byte[0];
  private int readPos;
  private int writePos;
  private long produced;
  private boolean finished;
  private final byte[] single = new byte[1];

  Lz4FrameDecodingStream(InputStream in, long expected) {
    this.in = in;
    this.expected = expected;
  }

  @Override
  public int read() throws IOException {
    int n = read(single, 0, 1);
    return n < 0 ? -1 : single[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    while (readPos == writePos) {
      if (finished) {
        return -1;
      }
      nextBlock();
    }
    int n = Math.min(len, writePos - readPos);
    System.arraycopy(window, readPos, b, off, n);
    readPos += n;
    return n;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private void nextBlock() throws IOException {
    if (header == null) {
      readHeader();
    }
    int word = Lz4FrameHeader.readIntLe(readExactly(4, "frame ends without an end mark"), 0);
    if (word == 0) {
      finish();
      return;
    }
    int size = word & 0x7FFFFFFF;
    Lz4Frames.checkBlockSize(header, size, Long.MAX_VALUE);
    long remaining = expected - produced;
    int decodeLimit = (int) Math.min(header.blockMaxSize(), remaining);
    // A valid compressed block is at most a few bytes longer than its output, so anything bigger
    // cannot fit in what remains: refuse before allocating for it.
    long plausible = (long) decodeLimit + decodeLimit / 255 + 16;
    if (size > plausible) {
      throw remaining < header.blockMaxSize()
          ? CodecException.overrun(expected)
          : Lz4Frames.blockTooLarge(header);
    }
    if (block.length < size) {
      block = new byte[size];
    }
    readFully(block, size, "block of " + size + " bytes truncated");
    if (header.blockChecksums()) {
      int stored = Lz4FrameHeader.readIntLe(readExactly(4, "block checksum truncated"), 0);
      int actual = Lz4FrameHeader.XXHASH.hash(block, 0, size, 0);
      if (stored != actual) {
        throw CodecException.corrupt(
            Codec.LZ4, String.format("block checksum is %08X, expected %08X", stored, actual));
      }
    }
    makeRoom(decodeLimit);
    int n;
    if ((word & 0x80000000) != 0) {
      if (size > remaining) {
        throw CodecException.overrun(expected);
      }
      System.arraycopy(block, 0, window, writePos, size);
      n = size;
    } else {
      int windowStart = header.independentBlocks() ? writePos : 0;
      n = Lz4BlockDecoder.decode(block, 0, size, window, writePos, writePos + decodeLimit, windowStart);
      if (n == Lz4BlockDecoder.OUTPUT_FULL) {
        throw remaining <= header.blockMaxSize()
            ? CodecException.overrun(expected)
            : Lz4Frames.blockTooLarge(header);
      }
    }
    if (contentHash != null) {
      contentHash.update(window, writePos, n);
    }
    readPos = writePos;
    writePos += n;
    produced += n;
  }

  private void readHeader() throws IOException {
    byte[] buf = new byte[Lz4FrameHeader.MAX_LENGTH];
    int got = in.readNBytes(buf, 0, 5);
    if (got == 5) {
      int length = Lz4FrameHeader.lengthFor(buf[4] & 0xFF);
      got += in.readNBytes(buf, 5, Math.min(length, buf.length) - 5);
    }
    header = Lz4FrameHeader.parse(buf, 0, got);
    if (header.contentSize() != Lz4FrameHeader.NO_CONTENT_SIZE && header.contentSize() != expected) {
      throw CodecException.declaredMismatch(Codec.LZ4, expected, header.contentSize());
    }
    if (header.contentChecksum()) {
      contentHash = XXHashFactory.fastestInstance().newStreamingHash32(0);
    }
    int history = header.independentBlocks() ? 0 : (int) Math.min(HISTORY, expected);
    window = new byte[history + (int) Math.min(header.blockMaxSize(), expected)];
  }

  /** Ensures decodeLimit bytes fit after writePos, keeping the last 64 KiB for linked blocks. */
  private void makeRoom(int decodeLimit) {
    if (writePos + decodeLimit <= window.length) {
      return;
    }
    int keep = header.independentBlocks() ? 0 : Math.min(writePos, HISTORY);
    System.arraycopy(window, writePos - keep, window, 0, keep);
    writePos = keep;
    readPos = keep;
  }

  private void finish() throws IOException {
    if (contentHash != null) {
      int stored = Lz4FrameHeader.readIntLe(readExactly(4, "content checksum truncated"), 0);
      Lz4Frames.verifyContentChecksum(contentHash.getValue(), stored);
    }
    if (in.read() >= 0) {
      throw CodecException.corrupt(Codec.LZ4, "bytes follow the end of the frame");
    }
    finished = true;
  }

  private byte[] readExactly(int n, String whatIfShort) throws IOException {
    byte[] buf = new byte[n];
    readFully(buf, n, whatIfShort);
    return buf;
  }

  private void readFully(byte[] buf, int n, String whatIfShort) throws IOException {
    if (in.readNBytes(buf, 0, n) != n) {
      throw CodecException.corrupt(Codec.LZ4, whatIfShort);
    }
  }
}
