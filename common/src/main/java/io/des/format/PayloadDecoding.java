package io.des.format;

import io.des.codec.Codec;
import java.io.IOException;
import java.io.InputStream;

/** Placeholder: wired to io.des.codec once it lands. */
final class PayloadDecoding {
  private PayloadDecoding() {}

  static InputStream decoding(Codec codec, InputStream stored, long expectedSize, String where) throws IOException {
    if (codec == Codec.NONE) {
      return stored;
    }
    throw new CorruptShardException(where, "codec " + codec.label() + " not wired yet");
  }
}
