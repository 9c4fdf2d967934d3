package io.des.format;

import io.des.codec.Codec;
import io.des.codec.Compressors;
import io.des.storage.StorageException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Decodes stored entry bytes as a stream. A decoder failure is corruption of the shard, reported as
 * {@link CorruptShardException}; a storage failure underneath stays a storage failure.
 */
final class PayloadDecoding {
  private PayloadDecoding() {}

  static InputStream decoding(Codec codec, InputStream stored, long expectedSize, String where) throws IOException {
    return switch (codec) {
      case NONE -> stored;
      // Bounded decoders: never more than expectedSize is produced or allocated; python-lz4's
      // linked-block frames are read too (lz4-java's own frame reader rejects them).
      case ZSTD, LZ4 -> new DecoderErrors(Compressors.decompressingStream(codec, stored, expectedSize), codec, where);
    };
  }

  /** Decodes a whole stored entry at once; never allocates more than {@code expectedSize}. */
  static byte[] decode(Codec codec, byte[] stored, int expectedSize, String where) throws CorruptShardException {
    try {
      return Compressors.decompress(codec, stored, 0, stored.length, expectedSize);
    } catch (IOException | RuntimeException e) {
      throw new CorruptShardException(where, "stored bytes do not decode as " + codec.label() + ": " + e.getMessage(), e);
    }
  }

  /** Turns decoder exceptions into {@link CorruptShardException}. */
  private static final class DecoderErrors extends FilterInputStream {
    private final Codec codec;
    private final String where;

    DecoderErrors(InputStream in, Codec codec, String where) {
      super(in);
      this.codec = codec;
      this.where = where;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return in.read(b, off, len);
      } catch (StorageException | CorruptShardException e) {
        throw e;
      } catch (IOException | RuntimeException e) {
        throw new CorruptShardException(where, "stored bytes do not decode as " + codec.label() + ": " + e.getMessage(), e);
      }
    }
  }
}
