package io.des.retriever;

import io.des.archive.Archive;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The body of a file or of a byte range of it, never unverified: either bytes read and checked
 * whole before the response starts (entries up to the buffered limit), or a stream through the
 * checksum for larger ones, whose last 64 KiB are held back until the rest of the entry has been
 * read and verified, so that a corrupt entry cuts the connection before the response completes.
 */
record EntryBody(byte[] bytes, Streamer streamer) {
  private static final int HELD_BACK = 64 << 10;

  /** Writes a large body; called on the request thread, after the headers. */
  @FunctionalInterface
  interface Streamer {
    void writeTo(OutputStream out) throws IOException;
  }

  static EntryBody of(Archive.Located located, ByteRange range, long maxBuffered) throws IOException {
    long size = located.entry().contentSize();
    ByteRange r = range != null ? range : new ByteRange(0, size - 1);
    if (size <= maxBuffered) {
      byte[] content = located.shard().read(located.entry().uid()); // verified before a byte is sent
      if (range == null) {
        return new EntryBody(content, null);
      }
      return new EntryBody(java.util.Arrays.copyOfRange(content, (int) r.first(), (int) r.first() + (int) r.length()), null);
    }
    return new EntryBody(null, out -> {
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
