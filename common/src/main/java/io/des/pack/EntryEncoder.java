package io.des.pack;

import io.des.codec.CompressionPolicy;
import io.des.codec.Encoded;
import io.des.format.EncodedEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/** Reads a source file and encodes it as an inline entry: checksum, then compression if it pays. */
final class EntryEncoder {
  private EntryEncoder() {}

  /** Files up to this size are read into the thread's reusable buffer; larger ones into an array of their own. */
  static final int READ_BUFFER_MAX = 4 << 20;

  /**
   * Each encoder thread reads into one array, reused from file to file. A fresh array per file
   * (what {@code Files.readAllBytes} gives) had to be zeroed, faulted in and later collected for
   * every byte packed, though most of it lives only until it is compressed: only an entry stored as
   * is gets an array of its own, copied at its exact size.
   */
  private static final ThreadLocal<byte[]> READ_BUFFER = ThreadLocal.withInitial(() -> new byte[64 * 1024]);

  static EncodedEntry encode(PlannedFile file, CompressionPolicy policy) throws IOException {
    // One byte more than planned, so that a file that grew is seen without a stat.
    long want = file.size() + 1;
    boolean reused = want <= READ_BUFFER_MAX;
    byte[] buffer = reused ? readBuffer((int) want) : new byte[Math.toIntExact(want)];
    int length = read(file, buffer, (int) want);
    if (length != file.size()) {
      throw new IOException(
          "Source " + file.source().path() + " changed while packing: expected " + file.size() + " bytes, read "
              + (length > file.size() ? "more" : length));
    }
    CRC32C crc = new CRC32C();
    crc.update(buffer, 0, length);
    Encoded encoded = policy.encode(file.source().uid(), buffer, 0, length);
    byte[] stored = encoded.stored();
    int storedOffset = encoded.storedOffset();
    if (reused && stored == buffer) { // stored as is: the entry must not share the thread's buffer
      stored = Arrays.copyOfRange(buffer, storedOffset, storedOffset + encoded.storedLength());
      storedOffset = 0;
    }
    return new EncodedEntry(
        file.source().uid(),
        encoded.codec(),
        stored,
        storedOffset,
        encoded.storedLength(),
        length,
        crc.getValue(),
        CreatedAtMeta.format(file.source().createdAt().instant()),
        null);
  }

  /** Reads up to {@code want} bytes of the file into buffer[0, want); returns how many there were. */
  private static int read(PlannedFile file, byte[] buffer, int want) throws IOException {
    try (FileChannel channel = FileChannel.open(file.source().path(), StandardOpenOption.READ)) {
      ByteBuffer into = ByteBuffer.wrap(buffer, 0, want);
      while (into.hasRemaining() && channel.read(into) >= 0) {
        // a regular file reads whole in one call; the next one sees the end
      }
      return into.position();
    }
  }

  private static byte[] readBuffer(int size) {
    byte[] buffer = READ_BUFFER.get();
    if (buffer.length < size) {
      buffer = new byte[Math.min(READ_BUFFER_MAX, Math.max(size, buffer.length * 2))];
      READ_BUFFER.set(buffer);
    }
    return buffer;
  }
}
