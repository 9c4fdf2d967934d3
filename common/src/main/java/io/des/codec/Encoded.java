package io.des.codec;

import java.util.Objects;

/**
 * An entry payload as it will be stored: the codec and stored[storedOffset, storedOffset +
 * storedLength), which decodes to rawLength bytes. When the codec is NONE the bytes are the caller's
 * own array, not a copy, so the caller must not change it until the payload is written. Equality is
 * by array identity, as for any record holding an array.
 */
public record Encoded(Codec codec, byte[] stored, int storedOffset, int storedLength, int rawLength) {

  public Encoded {
    Objects.requireNonNull(codec, "codec");
    Objects.checkFromIndexSize(storedOffset, storedLength, stored.length);
    if (rawLength < 0 || (codec == Codec.NONE && rawLength != storedLength)) {
      throw new IllegalArgumentException(
          "Raw length " + rawLength + " does not fit stored length " + storedLength + " for " + codec);
    }
  }

  /** The content stored as is. */
  static Encoded uncompressed(byte[] content, int off, int len) {
    return new Encoded(Codec.NONE, content, off, len, len);
  }
}
