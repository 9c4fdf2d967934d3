package io.des.format;

import com.github.luben.zstd.ZstdInputStream;
import io.des.codec.Codec;
import java.io.IOException;
import java.io.InputStream;
import net.jpountz.lz4.LZ4FrameInputStream;

/** Interim decoding; replaced by the codec package's bounded decoders. */
final class PayloadDecoding {
  private PayloadDecoding() {}

  static InputStream decoding(Codec codec, InputStream stored, long expectedSize, String where) throws IOException {
    return switch (codec) {
      case NONE -> stored;
      case ZSTD -> new ZstdInputStream(stored);
      case LZ4 -> new LZ4FrameInputStream(stored);
    };
  }
}
