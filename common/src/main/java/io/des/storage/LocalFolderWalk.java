package io.des.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The blobs of a {@link LocalBlobStore} whose keys start with a prefix, in ascending key order: a
 * depth-first walk that reads one folder at a time (memory is bounded by the folders on the
 * current path), enters only folders that can hold such keys, and skips the temporary folder.
 */
final class LocalFolderWalk implements Iterator<BlobInfo> {
  private final Path root;
  private final String store;
  private final String prefix;
  private final Deque<Iterator<Entry>> stack = new ArrayDeque<>();
  private BlobInfo next;
  private boolean started;

  LocalFolderWalk(Path root, String store, String prefix) {
    this.root = root;
    this.store = store;
    this.prefix = prefix;
  }

  /** One folder entry that may hold keys with the listed prefix. */
  private record Entry(Path file, String key, BasicFileAttributes attributes) {
    boolean folder() {
      return attributes.isDirectory();
    }

    /**
     * Sorting a folder as {@code name/} puts it where its keys go in full-key order: {@code a-c}
     * ({@code '-'} is 0x2d) before {@code a/b} ({@code '/'} is 0x2f) before {@code a0}.
     */
    String sortKey() {
      return folder() ? key + "/" : key;
    }
  }

  @Override
  public boolean hasNext() {
    if (!started) {
      started = true; // nothing is read before the stream is consumed
      stack.push(entries(root, "").iterator());
    }
    while (next == null && !stack.isEmpty()) {
      Iterator<Entry> top = stack.peek();
      if (!top.hasNext()) {
        stack.pop();
        continue;
      }
      Entry entry = top.next();
      if (entry.folder()) {
        stack.push(entries(entry.file(), entry.key() + "/").iterator());
      } else {
        next = toInfo(entry);
      }
    }
    return next != null;
  }

  @Override
  public BlobInfo next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    BlobInfo result = next;
    next = null;
    return result;
  }

  private static BlobInfo toInfo(Entry entry) {
    BlobPath path;
    try {
      path = BlobPath.of(entry.key());
    } catch (IllegalArgumentException e) {
      return null; // a file no BlobPath can name (e.g. a backslash in it) is not a blob
    }
    BasicFileAttributes attributes = entry.attributes();
    return new BlobInfo(path, attributes.size(), attributes.lastModifiedTime().toInstant());
  }

  private List<Entry> entries(Path folder, String keyPrefix) {
    List<Entry> entries = new ArrayList<>();
    try (DirectoryStream<Path> children = Files.newDirectoryStream(folder)) {
      for (Path child : children) {
        String name = child.getFileName().toString();
        if (keyPrefix.isEmpty() && name.equals(LocalBlobStore.TEMP_FOLDER)) {
          continue;
        }
        String key = keyPrefix + name;
        BasicFileAttributes attributes;
        try {
          attributes = Files.readAttributes(child, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
          continue; // deleted since the folder was read
        }
        if (attributes.isDirectory() ? mayHoldPrefix(key + "/") : isListed(key, attributes)) {
          entries.add(new Entry(child, key, attributes));
        }
      }
    } catch (NoSuchFileException e) {
      return List.of(); // no root yet, or a folder deleted since its parent was read
    } catch (IOException e) {
      throw new UncheckedIOException(
          new StorageException("Cannot list " + folder + " in " + store + ": " + e, e));
    }
    entries.sort(Comparator.comparing(Entry::sortKey));
    return entries;
  }

  private boolean isListed(String key, BasicFileAttributes attributes) {
    return attributes.isRegularFile() && key.startsWith(prefix);
  }

  private boolean mayHoldPrefix(String folderKey) {
    return folderKey.startsWith(prefix) || prefix.startsWith(folderKey);
  }
}
