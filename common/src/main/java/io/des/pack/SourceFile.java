package io.des.pack;

import io.des.routing.CreatedAt;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One file to pack, as a folder scan or a manifest line describes it.
 *
 * @param declaredSize the size the manifest declares, or -1 when unknown; checked against the file
 * @param line where it came from (manifest line or path), for messages
 */
public record SourceFile(String uid, CreatedAt createdAt, long declaredSize, Path path, String line) {
  public SourceFile {
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
