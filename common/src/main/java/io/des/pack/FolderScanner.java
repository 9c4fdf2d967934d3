package io.des.pack;

import io.des.routing.CreatedAt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a folder tree into source files: the uid is the path relative to the folder with {@code /}
 * separators, created_at is the file's last-modified time in UTC. Regular files only (symbolic
 * links and {@code .des-tmp} folders are skipped). Depth first, each folder's entries in name
 * order, so that the same tree always packs the same way; memory holds one folder listing per
 * level, not the whole tree.
 */
public final class FolderScanner {
  private FolderScanner() {}

  /** Folders with fewer entries are stat'ed by the scanning thread alone. */
  static final int PARALLEL_STAT_MIN = 64;

  public static void scan(Path root, SourceSink files) throws IOException {
    if (!Files.isDirectory(root)) {
      throw new IOException("Not a folder: " + root);
    }
    walk(root, root, "", files);
  }

  private static void walk(Path root, Path folder, String prefix, SourceSink files) throws IOException {
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder)) {
      stream.forEach(children::add);
    } catch (NoSuchFileException gone) {
      if (folder.equals(root)) {
        throw gone;
      }
      return; // a subfolder deleted since its parent was listed
    }
    children.sort(null);
    List<BasicFileAttributes> attributes = attributes(children);
    for (int i = 0; i < children.size(); i++) {
      Path p = children.get(i);
      BasicFileAttributes attrs = attributes.get(i);
      if (attrs == null) {
        continue; // deleted since the listing (a landing folder that workers empty): not in the tree
      }
      String name = p.getFileName().toString();
      if (attrs.isDirectory()) {
        if (!name.equals(".des-tmp")) {
          walk(root, p, prefix + name + "/", files);
        }
      } else if (attrs.isRegularFile()) {
        files.accept(SourceFile.scanned(prefix + name, CreatedAt.of(attrs.lastModifiedTime().toInstant()), attrs.size(), p));
      }
    }
  }

  /**
   * The attributes of each path, in order (null for one deleted since the listing). A large folder
   * is stat'ed on the common pool as well: a stat costs microseconds of system time here, and the
   * scan of a whole tree runs before any packing starts, with the other cores idle.
   */
  private static List<BasicFileAttributes> attributes(List<Path> paths) throws IOException {
    try {
      return (paths.size() < PARALLEL_STAT_MIN ? paths.stream() : paths.parallelStream())
          .map(FolderScanner::attributesOrNull)
          .toList();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static BasicFileAttributes attributesOrNull(Path p) {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException gone) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
