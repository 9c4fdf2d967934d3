package io.des.pack;

import io.des.codec.CompressionPolicy;
import io.des.codec.Encoded;
import io.des.format.EncodedEntry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.zip.CRC32C;

/** Reads a source file and encodes it as an inline entry: checksum, then compression if it pays. */
final class EntryEncoder {
  private EntryEncoder() {}

  static EncodedEntry encode(PlannedFile file, CompressionPolicy policy) throws IOException {
    byte[] content;
    try (InputStream in = Files.newInputStream(file.source().path())) {
      content = in.readNBytes((int) file.size() + 1);
    }
    if (content.length != file.size()) {
      throw new IOException(
          "Source " + file.source().path() + " changed while packing: expected " + file.size() + " bytes, read " + content.length);
    }
    CRC32C crc = new CRC32C();
    crc.update(content, 0, content.length);
    Encoded encoded = policy.encode(file.source().uid(), content, 0, content.length);
    return new EncodedEntry(
        file.source().uid(),
        encoded.codec(),
        encoded.stored(),
        encoded.storedOffset(),
        encoded.storedLength(),
        content.length,
        crc.getValue(),
        CreatedAtMeta.format(file.source().createdAt().instant()),
        null);
  }
}
