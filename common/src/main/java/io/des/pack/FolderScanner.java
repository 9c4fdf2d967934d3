package io.des.pack;

import io.des.routing.CreatedAt;
import java.io.IOException;
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

  public static void scan(Path root, SourceSink files) throws IOException {
    if (!Files.isDirectory(root)) {
      throw new IOException("Not a folder: " + root);
    }
    walk(root, root, files);
  }

  private static void walk(Path root, Path folder, SourceSink files) throws IOException {
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
    String separator = root.getFileSystem().getSeparator();
    for (Path p : children) {
      BasicFileAttributes attrs;
      try {
        attrs = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException gone) {
        continue; // deleted since the listing (a landing folder that workers empty): not in the tree
      }
      if (attrs.isDirectory()) {
        if (!p.getFileName().toString().equals(".des-tmp")) {
          walk(root, p, files);
        }
      } else if (attrs.isRegularFile()) {
        String uid = root.relativize(p).toString().replace(separator, "/");
        files.accept(SourceFile.scanned(uid, CreatedAt.of(attrs.lastModifiedTime().toInstant()), attrs.size(), p));
      }
    }
  }
}
