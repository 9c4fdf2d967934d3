package io.des.storage;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Scheduler;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Read handles of a {@link LocalBlobStore}'s files kept open between reads, so that a ranged read
 * is one {@code pread} instead of a stat, an open, an fstat, a read and a close. Only for blobs
 * that are never replaced in place (shards). Bounded in number; each handle leaves the cache at the
 * latest {@code ttl} after it was opened and is closed once its last reader is done, so a file
 * deleted by another process (an old shard version after its grace period) stops occupying the
 * disk soon after. Positional reads on one {@link FileChannel} are safe from many threads. A handle
 * that a reader's interrupt closed under the others makes them open the file again.
 */
final class OpenFiles {
  /** Opens a file for reading; may throw {@link BlobNotFoundException}. */
  @FunctionalInterface
  interface Opener {
    FileChannel open() throws IOException;
  }

  /**
   * An open file, its size (fixed: the blob is never changed) and its references: one for the
   * cache while it holds the handle, one per reader. The last release closes the file.
   */
  static final class Handle {
    private final FileChannel channel;
    private final long size;
    private final AtomicInteger refs = new AtomicInteger(1);

    private Handle(FileChannel channel, long size) {
      this.channel = channel;
      this.size = size;
    }

    long size() {
      return size;
    }

    private boolean acquire() {
      for (int r = refs.get(); r > 0; r = refs.get()) {
        if (refs.compareAndSet(r, r + 1)) {
          return true;
        }
      }
      return false;
    }

    void release() {
      if (refs.decrementAndGet() == 0) {
        try {
          channel.close();
        } catch (IOException ignored) {
          // a read handle: nothing written that could be lost
        }
      }
    }
  }

  private final Cache<String, Handle> handles;

  OpenFiles(int maxFiles, Duration ttl) {
    this.handles = Caffeine.newBuilder()
        .maximumSize(maxFiles)
        .expireAfterWrite(ttl)
        .scheduler(Scheduler.systemScheduler()) // expired handles leave even when no read comes
        .executor(Runnable::run)
        .<String, Handle>removalListener((file, handle, cause) -> {
          if (handle != null) {
            handle.release(); // the cache's reference; readers still holding it finish first
          }
        })
        .build();
  }

  /** An open handle of the file, acquired: the caller releases it. */
  Handle acquire(String file, Opener opener) throws IOException {
    Handle cached = handles.getIfPresent(file);
    if (cached != null && cached.channel.isOpen() && cached.acquire()) {
      return cached;
    }
    FileChannel channel = opener.open();
    Handle fresh;
    try {
      fresh = new Handle(channel, channel.size());
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    fresh.acquire();
    Handle current = handles.asMap().compute(file, (k, old) -> old != null && old != cached && old.channel.isOpen() ? old : fresh);
    if (current != fresh) {
      fresh.release(); // not cached (another reader's handle is): closed when this reader is done
    }
    return fresh;
  }

  /** A stream over a range of an acquired handle; closing it releases the handle. */
  java.io.InputStream stream(String file, Opener opener, Handle handle, long offset, long length) {
    return new RangeStream(file, opener, handle, offset, length);
  }

  /** Closes the file's handle once its readers are done: it was replaced or deleted through the store. */
  void invalidate(String file) {
    handles.invalidate(file);
  }

  void closeAll() {
    handles.invalidateAll();
    handles.cleanUp();
  }

  /** A range of a shared handle: reopens the file if another reader's interrupt closed it. */
  private final class RangeStream extends FileRangeInputStream {
    private final String file;
    private final Opener opener;
    private Handle handle;

    RangeStream(String file, Opener opener, Handle handle, long offset, long length) {
      super(handle.channel, offset, length);
      this.file = file;
      this.opener = opener;
      this.handle = handle;
    }

    @Override
    protected FileChannel reopen(ClosedChannelException closed) throws IOException {
      handles.asMap().remove(file, handle);
      Handle dead = handle;
      handle = null;
      dead.release();
      handle = acquire(file, opener);
      return handle.channel;
    }

    @Override
    protected void release() {
      if (handle != null) {
        handle.release();
        handle = null;
      }
    }
  }
}
