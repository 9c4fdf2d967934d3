package io.des.format;

import com.github.luben.zstd.ZstdInputStream;
import io.des.codec.Codec;
import io.des.storage.StorageException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import net.jpountz.lz4.LZ4FrameInputStream;

/**
 * Decodes stored entry bytes as a stream. A decoder failure is corruption of the shard, reported as
 * {@link CorruptShardException}; a storage failure underneath stays a storage failure.
 */
final class PayloadDecoding {
  private PayloadDecoding() {}

  static InputStream decoding(Codec codec, InputStream stored, long expectedSize, String where) throws IOException {
    return switch (codec) {
      case NONE -> stored;
      case ZSTD -> new DecoderErrors(new ZstdInputStream(stored), codec, where);
      case LZ4 -> new DecoderErrors(new LZ4FrameInputStream(stored), codec, where);
    };
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
