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
 * <p>A small entry is read whole in one ranged read and decoded in one shot ({@link
 * io.des.format.ShardReader#read(io.des.format.IndexEntry)}): no stream layers, and its array is
 * the response body as it is.
 */
record EntryBody(byte[] bytes, int offset, int length, Streamer streamer) {
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

  /** The entry's stored zstd frame, checked against its stored checksum, not decoded. */
  static EntryBody storedFrame(Archive.Located located) throws IOException {
    byte[] stored = located.shard().readStored(located.entry());
    return new EntryBody(stored, 0, stored.length, null);
  }

  /** The whole entry, checked before it is returned. */
  private static byte[] readVerified(Archive.Located located, int size) throws IOException {
    byte[] content = located.shard().read(located.entry());
    if (content.length != size) {
      throw new CorruptShardException(located.shard().path().key(), "entry '" + located.entry().uid() + "' is not its declared " + size + " bytes");
    }
    return content;
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
