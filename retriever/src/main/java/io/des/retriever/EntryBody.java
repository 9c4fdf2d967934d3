package io.des.retriever;

import io.des.archive.Archive;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * The body of a file or of a byte range of it, never unverified. Small entries are read and checked
 * whole before the response starts. Large ones stream through the checksum; for a range, the last
 * chunk is held back until the rest of the entry has been read and verified, so a corrupt entry
 * cuts the connection before the response is complete.
 */
final class EntryBody {
  private static final int HELD_BACK = 64 << 10;

  private EntryBody() {}

  static StreamingResponseBody of(Archive.Located located, ByteRange range, long maxBuffered) throws IOException {
    long size = located.entry().contentSize();
    ByteRange r = range != null ? range : new ByteRange(0, size - 1);
    if (size <= maxBuffered) {
      byte[] content = located.shard().read(located.entry().uid()); // verified before a byte is sent
      return out -> {
        if (size > 0) {
          out.write(content, (int) r.first(), (int) r.length());
        }
      };
    }
    return out -> {
      try (InputStream in = located.shard().openEntry(located.entry())) {
        in.skipNBytes(r.first());
        long hold = Math.min(HELD_BACK, r.length());
        copy(in, out, r.length() - hold);
        byte[] last = in.readNBytes((int) hold);
        in.transferTo(OutputStream.nullOutputStream()); // verifies the rest of the entry
        out.write(last);
      }
    };
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
