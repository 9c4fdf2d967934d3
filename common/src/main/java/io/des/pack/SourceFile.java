package io.des.pack;

import io.des.routing.CreatedAt;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One file to pack, as a folder scan or a manifest line describes it.
 *
 * @param declaredSize the size the manifest declares, or -1 when unknown; checked against the file
 * @param origin where it came from (a manifest line), for messages; null when the path says it
 * @param measured whether {@code declaredSize} was just read from the file system (a folder scan),
 *     so that planning need not ask again; packing still checks the bytes it reads
 */
public record SourceFile(String uid, CreatedAt createdAt, long declaredSize, Path path, String origin, boolean measured) {
  public SourceFile {
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(createdAt, "createdAt");
    if (measured && declaredSize < 0) {
      throw new IllegalArgumentException("A measured size cannot be unknown: " + path);
    }
  }

  /** A file a manifest describes; its size, if declared, is checked against the file. */
  public SourceFile(String uid, CreatedAt createdAt, long declaredSize, Path path, String origin) {
    this(uid, createdAt, declaredSize, path, origin, false);
  }

  /** A file a folder scan found, with the size it just measured. */
  public static SourceFile scanned(String uid, CreatedAt createdAt, long size, Path path) {
    return new SourceFile(uid, createdAt, size, path, null, true);
  }

  /** Where the file came from, for messages: the manifest line, else the path. */
  public String line() {
    return origin != null ? origin : String.valueOf(path);
  }
}
