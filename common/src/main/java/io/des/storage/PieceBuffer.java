package io.des.storage;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Bytes held in pieces of {@value #PIECE} bytes: it grows without copying what it holds and without
 * one large array. An upload buffers up to two S3 parts (16 MiB by default); as one growing array,
 * every shard cost a few arrays of half a megabyte and more, which the G1 collector allocates as
 * humongous objects, each a collection in a small heap (a fleet worker with 256 MiB did 252 such
 * collections in a 2-minute benchmark). Not thread-safe.
 */
final class PieceBuffer {
  static final int PIECE = 64 * 1024;

  private final List<byte[]> pieces = new ArrayList<>();
  /** Offset of the first byte held, in the first piece. */
  private int start;
  private long size;

  long size() {
    return size;
  }

  void write(byte[] bytes, int from, int count) {
    Objects.checkFromIndexSize(from, count, bytes.length);
    while (count > 0) {
      int end = (int) ((start + size) % PIECE);
      if (end == 0 && (start + size) / PIECE == pieces.size()) {
        pieces.add(new byte[PIECE]);
      }
      byte[] last = pieces.get(pieces.size() - 1);
      int chunk = Math.min(count, PIECE - end);
      System.arraycopy(bytes, from, last, end, chunk);
      size += chunk;
      from += chunk;
      count -= chunk;
    }
  }

  /** A stream over the first {@code length} bytes held; each call gives a fresh one (an SDK retry reads again). */
  InputStream stream(long length) {
    if (length < 0 || length > size) {
      throw new IndexOutOfBoundsException("length " + length + " of " + size + " bytes held");
    }
    return new InputStream() {
      private long read;

      @Override
      public int read() {
        if (read == length) {
          return -1;
        }
        long at = start + read++;
        return pieces.get((int) (at / PIECE))[(int) (at % PIECE)] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
          return 0;
        }
        if (read == length) {
          return -1;
        }
        long at = start + read;
        int inPiece = (int) (at % PIECE);
        int n = (int) Math.min(Math.min(len, PIECE - inPiece), length - read);
        System.arraycopy(pieces.get((int) (at / PIECE)), inPiece, b, off, n);
        read += n;
        return n;
      }

      @Override
      public int available() {
        return (int) Math.min(Integer.MAX_VALUE, length - read);
      }
    };
  }

  /** Drops the first {@code length} bytes held; pieces emptied are freed. */
  void discard(long length) {
    if (length < 0 || length > size) {
      throw new IndexOutOfBoundsException("length " + length + " of " + size + " bytes held");
    }
    long from = start + length;
    int whole = (int) (from / PIECE);
    pieces.subList(0, Math.min(whole, pieces.size())).clear();
    start = (int) (from % PIECE);
    size -= length;
    if (size == 0) {
      pieces.clear();
      start = 0;
    }
  }
}
