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
    if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
      throw new IllegalArgumentException("Blob key longer than " + MAX_KEY_BYTES + " bytes: " + key);
    }
    if (key.indexOf('\0') >= 0 || key.indexOf('\\') >= 0) {
      throw new IllegalArgumentException("Blob key contains NUL or backslash: " + key);
    }
    for (String segment : key.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException("Blob key has an empty, '.' or '..' segment: " + key);
      }
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
