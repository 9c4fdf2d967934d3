package io.des.retriever;

import java.util.Optional;

/**
 * One satisfiable byte range of a file of known size, from an HTTP {@code Range} header
 * ({@code bytes=a-b}, {@code bytes=a-}, {@code bytes=-n}). Several ranges, or a unit other than
 * bytes, are ignored (the whole file is served), as RFC 9110 allows.
 */
record ByteRange(long first, long last) {

  /** Thrown for a range that does not overlap the file: answered 416 with {@code bytes *\/size}. */
  static final class Unsatisfiable extends Exception {
    private static final long serialVersionUID = 1L;

    Unsatisfiable() {
      super(null, null, false, false);
    }
  }

  long length() {
    return last - first + 1;
  }

  String contentRange(long size) {
    return "bytes " + first + "-" + last + "/" + size;
  }

  static Optional<ByteRange> parse(String header, long size) throws Unsatisfiable {
    if (header == null) {
      return Optional.empty();
    }
    String h = header.trim();
    if (!h.regionMatches(true, 0, "bytes=", 0, 6) || h.indexOf(',') >= 0) {
      return Optional.empty();
    }
    String spec = h.substring(6).trim();
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return Optional.empty();
    }
    String a = spec.substring(0, dash).trim();
    String b = spec.substring(dash + 1).trim();
    try {
      if (a.isEmpty()) { // suffix: the last n bytes
        long n = Long.parseLong(b);
        if (n <= 0 || size == 0) {
          throw new Unsatisfiable();
        }
        return Optional.of(new ByteRange(Math.max(0, size - n), size - 1));
      }
      long first = Long.parseLong(a);
      long last = b.isEmpty() ? Long.MAX_VALUE : Long.parseLong(b);
      if (first < 0 || last < first) {
        return Optional.empty(); // syntactically invalid: ignore
      }
      if (first >= size) {
        throw new Unsatisfiable();
      }
      return Optional.of(new ByteRange(first, Math.min(last, size - 1)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
