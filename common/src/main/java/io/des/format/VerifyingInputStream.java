package io.des.format;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * Passes an entry's content through while counting it and checksumming it; fails with {@link
 * CorruptShardException} as soon as there are more bytes than declared, and at the end when there
 * are fewer or the checksum differs. Content is good only once this stream has reached its end.
 */
final class VerifyingInputStream extends FilterInputStream {
  private interface Check {
    void update(byte[] b, int off, int len);

    String verify(); // null when good, else the reason
  }

  private final long expectedSize;
  private final String where;
  private final Check check;
  private long count;
  private boolean verified;

  private VerifyingInputStream(InputStream in, long expectedSize, String where, Check check) {
    super(in);
    this.expectedSize = expectedSize;
    this.where = where;
    this.check = check;
  }

  /** Checks size and, unless {@code crc32c} is {@link IndexEntry#NO_CHECKSUM}, the CRC-32C. */
  static InputStream crc32c(InputStream in, long expectedSize, long crc32c, String where) {
    return crc32c(in, expectedSize, crc32c, where, "content checksum");
  }

  /** As {@link #crc32c}, for the stored bytes of an entry against its {@code stored_crc32c}. */
  static InputStream storedCrc32c(InputStream in, long length, long storedCrc32c, String where) {
    return crc32c(in, length, storedCrc32c, where, "stored bytes checksum");
  }

  private static InputStream crc32c(InputStream in, long expectedSize, long crc32c, String where, String what) {
    if (crc32c == IndexEntry.NO_CHECKSUM) {
      return new VerifyingInputStream(in, expectedSize, where, new Check() {
        @Override public void update(byte[] b, int off, int len) {}
        @Override public String verify() { return null; }
      });
    }
    CRC32C crc = new CRC32C();
    return new VerifyingInputStream(in, expectedSize, where, new Check() {
      @Override public void update(byte[] b, int off, int len) { crc.update(b, off, len); }
      @Override public String verify() {
        long actual = crc.getValue();
        return actual == crc32c ? null
            : what + " is crc32c " + MetaJson.crc32cHex(actual) + ", the index records " + MetaJson.crc32cHex(crc32c);
      }
    });
  }

  /**
   * Checks a whole decoded content at once, as {@link #crc32c} does for a stream, with the same
   * messages: the size, then unless {@code crc32c} is {@link IndexEntry#NO_CHECKSUM} the CRC-32C.
   */
  static void check(byte[] content, long expectedSize, long crc32c, String where) throws CorruptShardException {
    if (content.length != expectedSize) {
      throw new CorruptShardException(where, "Decompressed size mismatch: expected " + expectedSize + " bytes, got " + content.length);
    }
    if (crc32c != IndexEntry.NO_CHECKSUM) {
      CRC32C crc = new CRC32C();
      crc.update(content, 0, content.length);
      long actual = crc.getValue();
      if (actual != crc32c) {
        throw new CorruptShardException(where,
            "content checksum is crc32c " + MetaJson.crc32cHex(actual) + ", the index records " + MetaJson.crc32cHex(crc32c));
      }
    }
  }

  /**
   * Checks the stored bytes of an inline entry against the CRC-32C the index records for them
   * ({@link IndexEntry#expectedStoredCrc32c}) and returns their CRC-32C; entries with none pass.
   */
  static long checkStored(byte[] stored, int off, int len, IndexEntry e, String where) throws CorruptShardException {
    CRC32C crc = new CRC32C();
    crc.update(stored, off, len);
    long actual = crc.getValue();
    long expected = e.expectedStoredCrc32c();
    if (expected != IndexEntry.NO_CHECKSUM && actual != expected) {
      throw new CorruptShardException(where,
          "stored bytes checksum is crc32c " + MetaJson.crc32cHex(actual) + ", the index records " + MetaJson.crc32cHex(expected));
    }
    return actual;
  }

  /** Checks size and SHA-256 (BigFiles). */
  static InputStream sha256(InputStream in, long expectedSize, String sha256Hex, String where) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
    return new VerifyingInputStream(in, expectedSize, where, new Check() {
      @Override public void update(byte[] b, int off, int len) { digest.update(b, off, len); }
      @Override public String verify() {
        String actual = HexFormat.of().formatHex(digest.digest());
        return actual.equals(sha256Hex) ? null : "BigFile content has sha256 " + actual + ", the index records " + sha256Hex;
      }
    });
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n < 0) {
      finish();
      return -1;
    }
    count += n;
    if (count > expectedSize) {
      throw new CorruptShardException(where, "content is longer than the declared " + expectedSize + " bytes");
    }
    check.update(b, off, n);
    if (count == expectedSize && len > n) {
      // Ends exactly here: verify eagerly so short reads of a whole entry still check.
      finishIfAtEnd();
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] buf = new byte[(int) Math.min(8192, Math.max(n, 1))];
    long skipped = 0;
    while (skipped < n) {
      int r = read(buf, 0, (int) Math.min(buf.length, n - skipped));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  private void finishIfAtEnd() throws IOException {
    int next = in.read();
    if (next >= 0) {
      throw new CorruptShardException(where, "content is longer than the declared " + expectedSize + " bytes");
    }
    finish();
  }

  private void finish() throws CorruptShardException {
    if (verified) {
      return;
    }
    if (count != expectedSize) {
      throw new CorruptShardException(where, "Decompressed size mismatch: expected " + expectedSize + " bytes, got " + count);
    }
    String problem = check.verify();
    if (problem != null) {
      throw new CorruptShardException(where, problem);
    }
    verified = true;
  }
}
