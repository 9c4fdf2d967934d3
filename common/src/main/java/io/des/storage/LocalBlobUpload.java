package io.des.storage;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;

/**
 * An exclusive upload to a temporary file of a {@link LocalBlobStore}, published at commit. A
 * resumable one ({@code syncEvery > 0}) forces the file to disk at boundaries every {@code
 * syncEvery} bytes, and can be reopened at such a point by its file name.
 */
final class LocalBlobUpload implements BlobUpload {
  private static final int BUFFER_BYTES = 64 * 1024;

  private final LocalBlobStore store;
  private final BlobPath path;
  private final Path target;
  private final Path temp;
  private final FileChannel channel;
  private final BufferedOutputStream buffered;
  private final OutputStream out = new UploadStream();
  private final long syncEvery;
  private long written;
  private long synced;
  private UploadState state = UploadState.OPEN;
  /** The blob {@link #appendRange} last copied from, kept open for the next range of it. */
  private Path appendFile;
  private FileChannel appendChannel;

  /**
   * @param resumeAt bytes of the temporary file to keep (0 for a new upload); writing goes on after
   * @param syncEvery bytes between durable boundaries, 0 for an upload that is not resumable
   */
  LocalBlobUpload(LocalBlobStore store, BlobPath path, Path target, Path temp, long resumeAt, long syncEvery) throws IOException {
    this.store = store;
    this.path = path;
    this.target = target;
    this.temp = temp;
    this.syncEvery = syncEvery;
    try {
      this.channel = FileChannel.open(temp, StandardOpenOption.WRITE);
      channel.truncate(resumeAt);
      channel.position(resumeAt);
    } catch (IOException e) {
      if (resumeAt == 0) {
        Files.deleteIfExists(temp);
      }
      throw store.failure("open a temporary file for", path, e);
    }
    this.written = resumeAt;
    this.synced = resumeAt;
    this.buffered = new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER_BYTES);
  }

  @Override
  public OutputStream out() {
    return out;
  }

  @Override
  public long written() {
    return written;
  }

  @Override
  public boolean appendsInPlace(BlobStore from) {
    return from instanceof LocalBlobStore;
  }

  /** From a local store: a file-to-file copy in the kernel ({@code copy_file_range} or {@code sendfile}). */
  @Override
  public void appendRange(BlobStore from, BlobPath source, long offset, long length) throws IOException {
    if (!(from instanceof LocalBlobStore local)) {
      BlobUpload.super.appendRange(from, source, offset, length);
      return;
    }
    state.checkCanWrite(path);
    BlobRanges.checkRange(source, offset, length);
    try {
      buffered.flush();
      Path file = local.file(source);
      if (!file.equals(appendFile)) {
        closeAppendSource();
        appendChannel = FileChannel.open(file, StandardOpenOption.READ);
        appendFile = file;
      }
      long size = appendChannel.size();
      if (BlobRanges.beyondEnd(offset, length, size)) {
        throw BlobRanges.rangeBeyondEnd(local.describe(), source, offset, length, size);
      }
      for (long done = 0; done < length; ) {
        long n = appendChannel.transferTo(offset + done, length - done, channel);
        if (n <= 0) {
          throw new StorageException("Short copy of " + source + " in " + local.describe() + " into " + path + ": "
              + done + " of " + length + " bytes at offset " + offset);
        }
        done += n;
      }
    } catch (java.nio.file.NoSuchFileException e) {
      throw new BlobNotFoundException(local.describe(), source);
    } catch (StorageException e) {
      throw e;
    } catch (IOException e) {
      throw store.failure("append a range of " + source + " to", path, e);
    }
    written += length;
  }

  private void closeAppendSource() throws IOException {
    if (appendChannel != null) {
      appendChannel.close();
      appendChannel = null;
      appendFile = null;
    }
  }

  @Override
  public Optional<UploadCheckpoint> boundary() throws IOException {
    state.checkCanWrite(path);
    if (syncEvery == 0 || written - synced < syncEvery) {
      return Optional.empty();
    }
    try {
      buffered.flush();
      channel.force(false);
    } catch (IOException e) {
      throw store.failure("sync", path, e);
    }
    synced = written;
    return Optional.of(new UploadCheckpoint(path, written, temp.getFileName().toString()));
  }

  @Override
  public BlobInfo commit() throws IOException {
    state.checkCanCommit(path);
    boolean published = false;
    try {
      buffered.flush();
      closeAppendSource();
      channel.force(true);
      channel.close();
      // The link shares the temporary file's inode, hence its modification time.
      Instant lastModified = Files.getLastModifiedTime(temp).toInstant();
      store.publishExclusive(path, temp, target);
      published = true;
      state = UploadState.COMMITTED;
      return new BlobInfo(path, written, lastModified);
    } catch (StorageException e) {
      throw e;
    } catch (java.nio.file.NoSuchFileException e) {
      throw new UploadNotFoundException("The temporary file of " + path + " in " + store.describe()
          + " is gone (aborted by another writer): " + temp.getFileName());
    } catch (IOException e) {
      throw store.failure("commit", path, e);
    } finally {
      if (!published) {
        close();
      }
    }
  }

  @Override
  public void close() throws IOException {
    if (state != UploadState.OPEN) {
      return;
    }
    state = UploadState.ABORTED;
    try (channel) {
      closeAppendSource();
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Counts bytes and keeps {@link #close()} from closing the file: only commit may do that. */
  private final class UploadStream extends OutputStream {
    @Override
    public void write(int b) throws IOException {
      state.checkCanWrite(path);
      buffered.write(b);
      written++;
    }

    @Override
    public void write(byte[] bytes, int from, int count) throws IOException {
      state.checkCanWrite(path);
      buffered.write(bytes, from, count);
      written += count;
    }

    @Override
    public void flush() throws IOException {
      if (state == UploadState.OPEN) {
        buffered.flush();
      }
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
