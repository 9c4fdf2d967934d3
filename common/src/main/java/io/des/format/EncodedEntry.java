package io.des.format;

import io.des.codec.Codec;
import java.util.Map;
import java.util.Objects;

/**
 * An inline entry ready to be written: its stored (possibly compressed) bytes and what the index
 * records about it. Encoding happens off the writer's thread so that packing can use every core.
 *
 * @param crc32c CRC-32C of the uncompressed content
 * @param createdAt the {@code created_at} meta value (UTC ISO with Z), or null
 * @param meta caller meta, or null; may not use the reserved keys
 */
public record EncodedEntry(
    String uid,
    Codec codec,
    byte[] stored,
    int storedOffset,
    int storedLength,
    long uncompressedSize,
    long crc32c,
    String createdAt,
    Map<String, ?> meta) {

  public EncodedEntry {
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(codec, "codec");
    Objects.requireNonNull(stored, "stored");
    Objects.checkFromIndexSize(storedOffset, storedLength, stored.length);
    if (codec == Codec.NONE && uncompressedSize != storedLength) {
      throw new IllegalArgumentException(
          "Uncompressed entry '" + uid + "' has " + storedLength + " stored bytes but size " + uncompressedSize);
    }
  }
}
