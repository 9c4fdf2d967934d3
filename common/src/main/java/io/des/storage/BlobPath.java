package io.des.storage;

import java.nio.charset.StandardCharsets;

/**
 * The key of a blob inside a {@link BlobStore}, relative to the store's root: segments separated by
 * {@code /}, no leading or trailing slash, no empty, {@code .} or {@code ..} segment, no NUL or
 * backslash, at most 1024 UTF-8 bytes (the S3 key limit). The same key is valid on every backend.
 */
public record BlobPath(String key) implements Comparable<BlobPath> {

  public static final int MAX_KEY_BYTES = 1024;

  public BlobPath {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("Blob key must not be empty");
    }
    // One pass, no copy: keys are made on every read (shards, tombstone probes).
    int utf8 = 0;
    int segmentStart = 0;
    for (int i = 0; i <= key.length(); i++) {
      char c = i < key.length() ? key.charAt(i) : '/';
      if (c == '/') {
        int n = i - segmentStart;
        if (n == 0 || (n <= 2 && key.charAt(segmentStart) == '.' && (n == 1 || key.charAt(segmentStart + 1) == '.'))) {
          throw new IllegalArgumentException("Blob key has an empty, '.' or '..' segment: " + key);
        }
        segmentStart = i + 1;
      } else if (c == '\0' || c == '\\') {
        throw new IllegalArgumentException("Blob key contains NUL or backslash: " + key);
      }
      // UTF-8 length: a surrogate pair is four bytes, two per half (a lone one is encoded as '?': one).
      utf8 += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
    }
    utf8 -= 1; // the closing '/' counted above
    if (utf8 > MAX_KEY_BYTES && key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
      throw new IllegalArgumentException("Blob key longer than " + MAX_KEY_BYTES + " bytes: " + key);
    }
  }

  public static BlobPath of(String key) {
    return new BlobPath(key);
  }

  /** This key followed by {@code /} and {@code child} (which may itself contain slashes). */
  public BlobPath resolve(String child) {
    return new BlobPath(key + "/" + child);
  }

  /** The last segment. */
  public String name() {
    int slash = key.lastIndexOf('/');
    return slash < 0 ? key : key.substring(slash + 1);
  }

  /** The key without its last segment, or {@code ""} for a top-level key. */
  public String parentKey() {
    int slash = key.lastIndexOf('/');
    return slash < 0 ? "" : key.substring(0, slash);
  }

  @Override
  public int compareTo(BlobPath other) {
    return key.compareTo(other.key);
  }

  @Override
  public String toString() {
    return key;
  }
}
