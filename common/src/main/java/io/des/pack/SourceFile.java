package io.des.pack;

import io.des.routing.CreatedAt;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One file to pack, as a folder scan or a manifest line describes it.
 *
 * @param declaredSize the size the manifest declares, or -1 when unknown; checked against the file
 * @param origin where it came from (a manifest line), for messages; null when the path says it
 */
public record SourceFile(String uid, CreatedAt createdAt, long declaredSize, Path path, String origin) {
  public SourceFile {
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /** Where the file came from, for messages: the manifest line, else the path. */
  public String line() {
    return origin != null ? origin : String.valueOf(path);
  }
}
