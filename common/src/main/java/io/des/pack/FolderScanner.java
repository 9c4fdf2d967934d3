package io.des.pack;

import io.des.routing.CreatedAt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Turns a folder tree into source files: the uid is the path relative to the folder with {@code /}
 * separators, created_at is the file's last-modified time in UTC. Regular files only (symbolic
 * links and hidden {@code .des-tmp} folders are skipped), in sorted path order so that the same tree
 * always packs the same way.
 */
public final class FolderScanner {
  private FolderScanner() {}

  public static void scan(Path root, Consumer<SourceFile> files) throws IOException {
    if (!Files.isDirectory(root)) {
      throw new IOException("Not a folder: " + root);
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.filter(p -> !p.equals(root))
          .sorted()
          .forEach(p -> {
            try {
              BasicFileAttributes attrs = Files.readAttributes(p, BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
              if (!attrs.isRegularFile() || p.toString().contains(".des-tmp")) {
                return;
              }
              String uid = root.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
              CreatedAt created = CreatedAt.of(attrs.lastModifiedTime().toInstant());
              files.accept(new SourceFile(uid, created, attrs.size(), p, p.toString()));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
