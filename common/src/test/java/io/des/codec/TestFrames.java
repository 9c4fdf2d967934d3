package io.des.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

/** Fixtures for codec tests: deterministic content, hand-edited frames, allocation measurement. */
final class TestFrames {

  private TestFrames() {}

  /** Compressible, text-like content of n bytes. */
  static byte[] text(int n, long seed) {
    Random random = new Random(seed);
    String[] words = new String[300];
    for (int i = 0; i < words.length; i++) {
      StringBuilder w = new StringBuilder();
      for (int j = 2 + random.nextInt(8); j > 0; j--) {
        w.append((char) ('a' + random.nextInt(26)));
      }
      words[i] = w.toString();
    }
    StringBuilder sb = new StringBuilder(n + 16);
    while (sb.length() < n) {
      sb.append(words[random.nextInt(words.length)]).append(' ');
    }
    return Arrays.copyOf(sb.toString().getBytes(StandardCharsets.US_ASCII), n);
  }

  static byte[] noise(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static byte[] bytes(String hex) {
    return HexFormat.ofDelimiter(" ").parseHex(hex);
  }

  static String hex(byte[] b) {
    return HexFormat.ofDelimiter(" ").formatHex(b);
  }

  static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[777]; // odd size: exercises partial reads
    int n;
    while ((n = in.read(buf, 0, buf.length)) >= 0) {
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  /** The same LZ4 frame with its header checksum byte recomputed after an edit. */
  static byte[] fixLz4HeaderChecksum(byte[] frame) {
    int length = Lz4FrameHeader.lengthFor(frame[4] & 0xFF);
    frame[length - 1] = (byte) (Lz4FrameHeader.XXHASH.hash(frame, 4, length - 5, 0) >>> 8);
    return frame;
  }

  /** An LZ4 frame with its content-size field removed (the header checksum recomputed). */
  static byte[] lz4WithoutContentSize(byte[] frame) {
    if ((frame[4] & Lz4FrameHeader.FLG_CONTENT_SIZE) == 0) {
      return frame;
    }
    byte[] out = new byte[frame.length - 8];
    System.arraycopy(frame, 0, out, 0, 6);
    out[4] &= (byte) ~Lz4FrameHeader.FLG_CONTENT_SIZE;
    System.arraycopy(frame, 15, out, 7, frame.length - 15);
    return fixLz4HeaderChecksum(out);
  }

  /** An LZ4 frame whose header claims the given content size (the header checksum recomputed). */
  static byte[] lz4WithContentSize(byte[] frame, long size) {
    byte[] out = frame.clone();
    Lz4FrameHeader.writeIntLe(out, 6, (int) size);
    Lz4FrameHeader.writeIntLe(out, 10, (int) (size >>> 32));
    return fixLz4HeaderChecksum(out);
  }

  /** Bytes allocated by the current thread so far (HotSpot). */
  static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getCurrentThreadAllocatedBytes();
  }
}
