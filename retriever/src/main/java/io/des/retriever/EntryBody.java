package io.des.retriever;

import io.des.archive.Archive;
import io.des.format.CorruptShardException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The body of a file or of a byte range of it, never unverified: either bytes read and checked
 * whole before the response starts (entries up to the buffered limit; a range is a slice of them,
 * not a copy), or a stream through the checksum for larger ones, whose last 64 KiB are held back
 * until the rest of the entry has been read and verified, so that a corrupt entry cuts the
 * connection before the response completes.
 *
 * <p>Entries up to {@value #REUSED_BYTES} bytes (most files: the benchmark's have a median of 7 KiB and a p99 of 92 KiB) are read into an
 * array that the request thread keeps for its next reads, so {@code bytes} must be written before
 * the thread reads another entry: a new array of the entry's size was a third of everything the
 * retriever allocated, and the young collections it caused showed in the tail latency.
 */
record EntryBody(byte[] bytes, int offset, int length, Streamer streamer) {
  private static final int HELD_BACK = 64 << 10;
  static final int REUSED_BYTES = 64 << 10;
  /** Bounded by the request threads (server.tomcat.threads.max): 64 KiB each. */
  private static final ThreadLocal<byte[]> REUSED = ThreadLocal.withInitial(() -> new byte[REUSED_BYTES]);

  /** Writes a large body; called on the request thread, after the headers. */
  @FunctionalInterface
  interface Streamer {
    void writeTo(OutputStream out) throws IOException;
  }

  static EntryBody of(Archive.Located located, ByteRange range, long maxBuffered) throws IOException {
    long size = located.entry().contentSize();
    ByteRange r = range != null ? range : new ByteRange(0, size - 1);
    if (size <= maxBuffered) {
      byte[] content = readVerified(located, (int) size);
      return new EntryBody(content, (int) r.first(), (int) r.length(), null);
    }
    return new EntryBody(null, 0, 0, out -> {
      try (InputStream in = located.shard().openEntry(located.entry())) {
        in.skipNBytes(r.first());
        long hold = Math.min(HELD_BACK, r.length());
        copy(in, out, r.length() - hold);
        byte[] last = in.readNBytes((int) hold);
        in.transferTo(OutputStream.nullOutputStream()); // verifies the rest of the entry
        out.write(last);
      }
    });
  }

  /**
   * The whole entry at the start of an array (the thread's reused one when it fits), checked before
   * it is returned: one copy out of the decoded content, where {@code readAllBytes} grows and joins
   * chunks, and no second index lookup.
   */
  private static byte[] readVerified(Archive.Located located, int size) throws IOException {
    try (InputStream in = located.shard().openEntry(located.entry())) {
      byte[] content = size <= REUSED_BYTES ? REUSED.get() : new byte[size];
      int n = in.readNBytes(content, 0, size);
      // The stream checks size and checksum when it reaches its end: past the last byte it answers
      // -1 once both match and throws otherwise.
      if (n != size || in.read() != -1) {
        throw new CorruptShardException(located.shard().path().key(), "entry '" + located.entry().uid() + "' is not its declared " + size + " bytes");
      }
      return content;
    }
  }

  private static void copy(InputStream in, OutputStream out, long n) throws IOException {
    byte[] buf = new byte[HELD_BACK];
    long left = n;
    while (left > 0) {
      int read = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (read < 0) {
        throw new IOException("Entry ended early");
      }
      out.write(buf, 0, read);
      left -= read;
    }
  }
}
