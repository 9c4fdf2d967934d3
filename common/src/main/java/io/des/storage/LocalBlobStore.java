package io.des.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Collection;
import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link BlobStore} on a local or mounted file system, one file per key under a root folder.
 * Commits are durable (the file is fsynced before it appears, its folder after) and atomic: an
 * exclusive create publishes a finished temporary file with a hard link, which fails if the key
 * exists; a replace is an atomic rename. Temporary files live in {@code <root>/.des-tmp/} (so on
 * the same file system), are never listed, and a key may not start with that folder. Files left
 * there by a crashed process are not cleaned up automatically. Empty folders left by deletes stay.
 *
 * <p>On a file system without hard links the store falls back to a non-replacing move, which
 * checks for the target and then renames: two concurrent exclusive creates of one key can then
 * both succeed, the later one winning. A warning is logged when that happens.
 */
public final class LocalBlobStore implements BlobStore {
  static final String TEMP_FOLDER = ".des-tmp";
  private static final Logger log = LoggerFactory.getLogger(LocalBlobStore.class);

  private final Path root;
  /** The root and a slash: a key appended is its file's name. */
  private final String rootPrefix;
  private final Path tempFolder;
  private volatile boolean hardLinks;
  /** Read handles kept open for ranged reads, or null: see {@link #keepingFilesOpen}. */
  private final OpenFiles openFiles;

  public LocalBlobStore(Path root) {
    this(root, true, null);
  }

  private LocalBlobStore(Path root, boolean hardLinks, OpenFiles openFiles) {
    this.root = root.toAbsolutePath().normalize();
    this.rootPrefix = this.root.toString().endsWith("/") ? this.root.toString() : this.root + "/";
    this.tempFolder = this.root.resolve(TEMP_FOLDER);
    this.hardLinks = hardLinks;
    this.openFiles = openFiles;
  }

  /**
   * The same folder as a store that keeps up to {@code maxFiles} files open for {@link #openRange}
   * and {@link #readRange}, each for at most {@code ttl}: a read is then one {@code pread} instead
   * of a stat, an open, an fstat, a read and a close. For a reader of shards, which are never
   * replaced in place; a blob replaced by another process can be read as it was for up to {@code
   * ttl}, and a deleted one keeps its disk space that long. Replaces and deletes through this store
   * close the handle at once.
   */
  public LocalBlobStore keepingFilesOpen(int maxFiles, java.time.Duration ttl) {
    if (maxFiles <= 0) {
      return this;
    }
    return new LocalBlobStore(root, hardLinks, new OpenFiles(maxFiles, ttl));
  }

  /** A store that publishes with the fallback move, to test it on file systems with hard links. */
  static LocalBlobStore withoutHardLinks(Path root) {
    return new LocalBlobStore(root, false, null);
  }

  public Path root() {
    return root;
  }

  @Override
  public String describe() {
    return "file:" + root;
  }

  @Override
  public Optional<BlobInfo> stat(BlobPath path) throws IOException {
    // java.io's stat reports absence without an exception, and a key (valid by construction: no
    // empty, '.' or '..' segment) names a file under the root as it is: no path to parse or
    // normalise for the probe every read makes.
    if (!new java.io.File(rootPrefix + checkedKey(path)).exists()) {
      return Optional.empty();
    }
    Path file = file(path);
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      return attributes.isRegularFile()
          ? Optional.of(new BlobInfo(path, attributes.size(), attributes.lastModifiedTime().toInstant()))
          : Optional.empty();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw failure("stat", path, e);
    }
  }

  @Override
  public InputStream openRange(BlobPath path, long offset, long length) throws IOException {
    BlobRanges.checkRange(path, offset, length);
    if (length == 0) {
      return InputStream.nullInputStream();
    }
    if (openFiles != null) {
      // Keyed by the blob key, checked by file() when it is first opened: a hit resolves no path.
      String file = path.key();
      OpenFiles.Handle handle = openFiles.acquire(file, () -> openForRead(path));
      if (BlobRanges.beyondEnd(offset, length, handle.size())) {
        handle.release();
        throw BlobRanges.rangeBeyondEnd(describe(), path, offset, length, handle.size());
      }
      return openFiles.stream(file, () -> openForRead(path), handle, offset, length);
    }
    FileChannel channel = openForRead(path);
    boolean opened = false;
    try {
      long size = channel.size();
      if (BlobRanges.beyondEnd(offset, length, size)) {
        throw BlobRanges.rangeBeyondEnd(describe(), path, offset, length, size);
      }
      opened = true;
      return new FileRangeInputStream(channel, offset, length);
    } catch (StorageException e) {
      throw e;
    } catch (IOException e) {
      throw failure("read", path, e);
    } finally {
      if (!opened) {
        channel.close();
      }
    }
  }

  @Override
  public Tail readTail(BlobPath path, int length) throws IOException {
    BlobRanges.checkTailLength(path, length);
    try (FileChannel channel = openForRead(path)) {
      long size = channel.size();
      int count = (int) Math.min(length, size);
      ByteBuffer buffer = ByteBuffer.allocate(count);
      long position = size - count;
      while (buffer.hasRemaining()) {
        int read = channel.read(buffer, position + buffer.position());
        if (read < 0) {
          throw new StorageException(
              "Blob " + path + " in " + describe() + " shrank while its tail was read");
        }
      }
      return new Tail(buffer.array(), size);
    } catch (StorageException e) {
      throw e;
    } catch (IOException e) {
      throw failure("read the tail of", path, e);
    }
  }

  @Override
  public InputStream open(BlobPath path) throws IOException {
    return new FileRangeInputStream(openForRead(path), 0, Long.MAX_VALUE);
  }

  @Override
  public BlobUpload createExclusive(BlobPath path) throws IOException {
    Path target = file(path);
    return new LocalBlobUpload(this, path, target, newTempFile(path), 0, 0);
  }

  /** Temporary files are made durable at boundaries once this much was written since the last. */
  static final long RESUMABLE_SYNC_BYTES = 8L << 20;

  @Override
  public BlobUpload createResumable(BlobPath path) throws IOException {
    Path target = file(path);
    return new LocalBlobUpload(this, path, target, newTempFile(path), 0, RESUMABLE_SYNC_BYTES);
  }

  /** The checkpoint's token is the temporary file's name; the file is cut back to the checkpoint. */
  @Override
  public BlobUpload resume(UploadCheckpoint checkpoint) throws IOException {
    BlobPath path = checkpoint.path();
    String name = checkpoint.token();
    if (name.contains("/") || name.contains(java.io.File.separator) || !name.startsWith(tempName(path.key()) + ".") || !name.endsWith(".tmp")) {
      throw new UploadNotFoundException("Not a temporary file of " + path + " in " + describe() + ": " + name);
    }
    Path temp = tempFolder.resolve(name);
    long size;
    try {
      size = Files.size(temp);
    } catch (NoSuchFileException e) {
      throw new UploadNotFoundException("The upload of " + path + " to " + describe() + " is gone (" + name + ")");
    }
    if (size < checkpoint.length()) {
      throw new UploadNotFoundException("The upload of " + path + " holds " + size + " bytes, its checkpoint " + checkpoint.length());
    }
    return new LocalBlobUpload(this, path, file(path), temp, checkpoint.length(), RESUMABLE_SYNC_BYTES);
  }

  @Override
  public BlobInfo putReplace(BlobPath path, byte[] content) throws IOException {
    Path target = file(path);
    Path temp = newTempFile(path);
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      createParents(path, target);
      // rename(2) replaces atomically: readers see the old file or the new one, never a mix.
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      if (openFiles != null) {
        openFiles.invalidate(path.key());
      }
      fsyncFolder(target.getParent());
      return stat(path).orElseThrow(() -> failure("stat", path, new NoSuchFileException(target.toString())));
    } catch (StorageException e) {
      throw e;
    } catch (IOException e) {
      throw failure("replace", path, e);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  @Override
  public Stream<BlobInfo> list(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    Iterator<BlobInfo> walk = new LocalFolderWalk(root, describe(), prefix);
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(
            walk, Spliterator.ORDERED | Spliterator.DISTINCT | Spliterator.NONNULL),
        false);
  }

  @Override
  public void delete(Collection<BlobPath> paths) throws IOException {
    for (BlobPath path : paths) {
      Path file = file(path);
      try {
        // A folder is not a blob (it holds other keys); deleting it would break their writers.
        if (!Files.isDirectory(file)) {
          Files.deleteIfExists(file);
          if (openFiles != null) {
            openFiles.invalidate(path.key());
          }
        }
      } catch (IOException e) {
        throw failure("delete", path, e);
      }
    }
  }

  /** The key, unless it is in the temporary folder. */
  private String checkedKey(BlobPath path) {
    String key = path.key();
    if (key.equals(TEMP_FOLDER) || key.startsWith(TEMP_FOLDER + "/")) {
      throw new IllegalArgumentException(
          "Blob key " + key + " is inside the temporary folder of " + describe());
    }
    return key;
  }

  /** The file of a key; rejects the temporary folder and, defensively, anything outside the root. */
  Path file(BlobPath path) {
    String key = checkedKey(path);
    Path file = root.resolve(key).normalize();
    if (!file.startsWith(root) || file.equals(root)) {
      throw new IllegalArgumentException("Blob key " + key + " escapes the root of " + describe());
    }
    return file;
  }

  /**
   * Publishes a finished, fsynced temporary file under its key unless the key exists.
   *
   * @throws BlobAlreadyExistsException if the key exists; the temporary file is left to the caller
   */
  void publishExclusive(BlobPath path, Path temp, Path target) throws IOException {
    createParents(path, target);
    if (hardLinks) {
      try {
        Files.createLink(target, temp);
        Files.delete(temp);
        fsyncFolder(target.getParent());
        return;
      } catch (FileAlreadyExistsException e) {
        throw alreadyExists(path, target);
      } catch (NoSuchFileException e) {
        if (!Files.exists(temp)) {
          throw new UploadNotFoundException("The temporary file of " + path + " in " + describe()
              + " is gone (aborted by another writer): " + temp.getFileName());
        }
        throw failure("publish", path, e);
      } catch (UnsupportedOperationException | FileSystemException e) {
        // Linux reports a file system without hard links as EPERM (AccessDeniedException).
        hardLinks = false;
        log.warn("Hard links unsupported under {} ({}); exclusive creates fall back to a move "
            + "that can let a concurrent create of the same key win", describe(), e.toString());
      }
    }
    try {
      // Not ATOMIC_MOVE: that is rename(2), which silently replaces an existing target. Without
      // options the JDK checks that the target is absent and then renames (a small race window).
      Files.move(temp, target);
      fsyncFolder(target.getParent());
    } catch (FileAlreadyExistsException e) {
      throw alreadyExists(path, target);
    }
  }

  private StorageException alreadyExists(BlobPath path, Path target) {
    if (Files.isDirectory(target)) {
      return new StorageException(
          "Cannot create " + path + " in " + describe() + ": it is a folder of other blobs");
    }
    return new BlobAlreadyExistsException(describe(), path);
  }

  /** Temporary files are named after the whole key (see {@link #tempName}), so a prefix finds them. */
  @Override
  public int abortUploads(String keyPrefix) throws IOException {
    if (!Files.isDirectory(tempFolder)) {
      return 0;
    }
    String namePrefix = tempName(keyPrefix);
    int aborted = 0;
    try (DirectoryStream<Path> temps = Files.newDirectoryStream(tempFolder)) {
      for (Path temp : temps) {
        String name = temp.getFileName().toString();
        if (name.startsWith(namePrefix) && name.endsWith(".tmp") && Files.deleteIfExists(temp)) {
          aborted++;
        }
      }
    } catch (IOException e) {
      throw new StorageException("Cannot abort uploads of " + keyPrefix + "* in " + describe() + ": " + e, e);
    }
    return aborted;
  }

  /**
   * The key as one file name: {@code %} and {@code /} escaped as {@code %25} and {@code %2F}, cut at
   * 180 characters (a longer key's upload is then found only by a prefix within those characters).
   */
  static String tempName(String key) {
    String name = key.replace("%", "%25").replace("/", "%2F");
    return name.length() <= 180 ? name : name.substring(0, 180);
  }

  Path newTempFile(BlobPath path) throws IOException {
    String prefix = tempName(path.key()) + ".";
    try {
      try {
        return Files.createTempFile(tempFolder, prefix, ".tmp");
      } catch (NoSuchFileException missing) {
        // The store's first upload, or the folder was removed since. Not created before every
        // upload: a mkdir of a folder that exists fails, and its Java exception with it, which
        // was 1-2% of des pack's CPU.
        Files.createDirectories(tempFolder);
        return Files.createTempFile(tempFolder, prefix, ".tmp");
      }
    } catch (IOException e) {
      throw failure("create a temporary file in " + tempFolder + " for", path, e);
    }
  }

  private void createParents(BlobPath path, Path target) throws StorageException {
    try {
      Files.createDirectories(target.getParent());
    } catch (IOException e) {
      throw new StorageException(
          "Cannot create the folder of " + path + " in " + describe()
              + " (a blob on its path cannot also be a folder): " + e, e);
    }
  }

  private FileChannel openForRead(BlobPath path) throws IOException {
    Path file = file(path);
    // Linux opens folders for reading; a folder holds other keys and is not a blob.
    if (Files.isDirectory(file)) {
      throw new BlobNotFoundException(describe(), path);
    }
    try {
      return FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new BlobNotFoundException(describe(), path);
    } catch (IOException e) {
      throw failure("open", path, e);
    }
  }

  /** Closes the files kept open for reading, if any. */
  @Override
  public void close() {
    if (openFiles != null) {
      openFiles.closeAll();
    }
  }

  /** Makes a rename or link durable; some platforms cannot open folders, and then it is skipped. */
  static void fsyncFolder(Path folder) {
    try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      log.debug("Cannot fsync folder {}: {}", folder, e.toString());
    }
  }

  StorageException failure(String action, BlobPath path, IOException cause) {
    return new StorageException(
        "Cannot " + action + " " + path + " in " + describe() + ": " + cause, cause);
  }
}
