package io.des.pack;

import io.des.codec.CompressionPolicy;
import io.des.codec.Encoded;
import io.des.format.EncodedEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.util.zip.CRC32C;

/** Reads a source file and encodes it as an inline entry: checksum, then compression if it pays. */
final class EntryEncoder {
  private EntryEncoder() {}

  static EncodedEntry encode(PlannedFile file, CompressionPolicy policy) throws IOException {
    // readAllBytes allocates the file's size once and reads straight into it (readNBytes would
    // read in 8 KiB pieces and copy them together).
    byte[] content = Files.readAllBytes(file.source().path());
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
